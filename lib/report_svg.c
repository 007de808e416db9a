/*
 * An inline SVG bar chart: one row per category, the base model's value and
 * the fine-tuned model's value side by side, on a shared scale.
 */
#include "report_impl.h"

#include <stdio.h>

#define W 900
#define LABEL_W 260
#define ROW_H 34
#define BAR_H 12
#define TOP 40
#define RIGHT 70

static xmlNodePtr svg_el(struct hm__page *p, xmlNodePtr parent, const char *name)
{
	return hm__el(p, parent, name, NULL);
}

static void rect(struct hm__page *p, xmlNodePtr g, double x, double y, double w, double h,
		 const char *cls, const char *title)
{
	xmlNodePtr r = svg_el(p, g, "rect");

	hm__attrf(p, r, "x", "%.1f", x);
	hm__attrf(p, r, "y", "%.1f", y);
	hm__attrf(p, r, "width", "%.1f", w < 0 ? 0 : w);
	hm__attrf(p, r, "height", "%.1f", h);
	hm__attr(p, r, "class", cls);
	hm__el(p, r, "title", title);
}

static void text(struct hm__page *p, xmlNodePtr g, double x, double y, const char *anchor,
		 const char *cls, const char *s)
{
	xmlNodePtr t = hm__el(p, g, "text", s);

	hm__attrf(p, t, "x", "%.1f", x);
	hm__attrf(p, t, "y", "%.1f", y);
	hm__attr(p, t, "text-anchor", anchor);
	hm__attr(p, t, "class", cls);
}

void hm__svg_bars(struct hm__page *p, xmlNodePtr parent, const char *title, const char *unit,
		  const struct hm__bar *bars, size_t n)
{
	double max = 0, scale, plot = W - LABEL_W - RIGHT, step;
	int h = TOP + (int)n * ROW_H + 30, k, ticks;
	xmlNodePtr svg, ns_holder, g;
	xmlNsPtr ns;
	char buf[256];
	size_t i;

	if (!parent)
		return;
	svg = xmlNewDocNode(p->doc, NULL, (const xmlChar *)"svg", NULL);
	if (!svg || !xmlAddChild(parent, svg)) {
		xmlFreeNode(svg);
		p->oom = 1;
		return;
	}
	ns = xmlNewNs(svg, (const xmlChar *)HM_SVG_NS, NULL);
	if (!ns) {
		p->oom = 1;
		return;
	}
	xmlSetNs(svg, ns);
	ns_holder = svg;
	hm__attrf(p, svg, "viewBox", "0 0 %d %d", W, h);
	hm__attrf(p, svg, "width", "%d", W);
	hm__attrf(p, svg, "height", "%d", h);
	hm__attr(p, svg, "role", "img");
	hm__el(p, ns_holder, "title", title);
	for (i = 0; i < n; i++) {
		if (bars[i].before > max)
			max = bars[i].before;
		if (bars[i].after > max)
			max = bars[i].after;
	}
	/* A round upper bound: at least 10 units, in steps of 10. */
	k = (int)(max * 100 / 10);
	if (k * 10.0 < max * 100 - 1e-9)
		k++;
	max = k < 1 ? 10 : k * 10.0;
	scale = plot / max;
	step = max / 5;
	ticks = 5;
	g = svg_el(p, svg, "g");
	hm__attr(p, g, "class", "axis");
	for (k = 0; k <= ticks; k++) {
		double x = LABEL_W + k * step * scale;
		xmlNodePtr l = svg_el(p, g, "line");
		hm__attrf(p, l, "x1", "%.1f", x);
		hm__attrf(p, l, "x2", "%.1f", x);
		hm__attrf(p, l, "y1", "%d", TOP - 6);
		hm__attrf(p, l, "y2", "%d", TOP + (int)n * ROW_H);
		snprintf(buf, sizeof(buf), "%g%s", k * step, unit);
		text(p, g, x, TOP - 12, "middle", "tick", buf);
	}
	rect(p, svg, LABEL_W, 6, 12, 12, "before", "base model");
	text(p, svg, LABEL_W + 18, 16, "start", "legend", "base model (before fine-tuning)");
	rect(p, svg, LABEL_W + 260, 6, 12, 12, "after", "fine-tuned model");
	text(p, svg, LABEL_W + 278, 16, "start", "legend", "fine-tuned model (after)");
	for (i = 0; i < n; i++) {
		double y = TOP + (double)i * ROW_H + 4;
		text(p, svg, LABEL_W - 8, y + BAR_H + 2, "end", "label", bars[i].label);
		if (bars[i].before >= 0) {
			snprintf(buf, sizeof(buf), "%s, base model: %.2f%s", bars[i].label,
				 bars[i].before * 100, unit);
			rect(p, svg, LABEL_W, y, bars[i].before * 100 * scale, BAR_H, "before", buf);
			snprintf(buf, sizeof(buf), "%.2f%s", bars[i].before * 100, unit);
			text(p, svg, LABEL_W + bars[i].before * 100 * scale + 4, y + BAR_H - 2, "start",
			     "value", buf);
		}
		snprintf(buf, sizeof(buf), "%s, fine-tuned: %.2f%s", bars[i].label, bars[i].after * 100,
			 unit);
		rect(p, svg, LABEL_W, y + BAR_H + 1, bars[i].after * 100 * scale, BAR_H, "after", buf);
		snprintf(buf, sizeof(buf), "%.2f%s", bars[i].after * 100, unit);
		text(p, svg, LABEL_W + bars[i].after * 100 * scale + 4, y + 2 * BAR_H - 1, "start",
		     "value", buf);
	}
}
