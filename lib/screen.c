/*
 * The screening heuristic: a list of (category, pattern) pairs matched
 * against each example's normalized text. It finds the phrasings Qi et al.
 * saw in harmful and identity-shifting fine-tuning data; it is not a
 * moderation model and says nothing about text that avoids the patterns.
 */
#include "dataset_impl.h"

#include <regex.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

typedef struct pattern {
	size_t cat;
	int is_re;
	char *text; /* normalized substring, or the ERE as written */
	size_t len;
	regex_t re;
	/* ERE: literals of which every match contains one (a cheap pre-check); n = 0 if none */
	hm__literals *must;
} pattern;

struct hm_screen {
	pattern *pats;
	size_t npats;
	char **cats;
	size_t ncats;
	char digest[65];
	/* every literal at once (screen_multi.c): NULL when unavailable or switched off */
	hm__multi *multi, *multi_off;
};

/*
 * 16 bytes at a time where nothing but ASCII case changes: printable ASCII
 * and spaces, no space right after an output space. A block is stored whole
 * (the output never runs ahead of the input, so it fits in the buffer) and
 * kept up to its first byte that needs the byte loop: a control or non-ASCII
 * byte, or a space after a space. Returns how many bytes it kept.
 */
static size_t normalize_fast(char *o, const unsigned char *p, size_t len, int after_space)
{
#ifdef __SSE2__
	const __m128i lo = _mm_set1_epi8(0x20), up_a = _mm_set1_epi8('A' - 1),
		      up_z = _mm_set1_epi8('Z' + 1), sp = _mm_set1_epi8(' '),
		      case_bit = _mm_set1_epi8(0x20);
	size_t i = 0;

	for (; i + 16 <= len; i += 16) {
		__m128i c = _mm_loadu_si128((const __m128i *)(p + i));
		__m128i up = _mm_and_si128(_mm_cmpgt_epi8(c, up_a), _mm_cmplt_epi8(c, up_z));
		/* signed compare: bytes >= 0x80 are negative, so "< 0x20" catches them too */
		unsigned ctl = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(c, lo));
		unsigned spaces = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c, sp));
		unsigned stop = ctl | (spaces & ((spaces << 1) | (unsigned)!!after_space));

		_mm_storeu_si128((__m128i *)(o + i), _mm_add_epi8(c, _mm_and_si128(up, case_bit)));
		if (stop)
			return i + (size_t)__builtin_ctz(stop);
		after_space = p[i + 15] == ' ';
	}
	return i;
#else
	(void)o;
	(void)p;
	(void)len;
	(void)after_space;
	return 0;
#endif
}

/*
 * Normalizes text for matching into b (NUL-terminated, no NUL inside): ASCII
 * lowercase; whitespace, NUL and no-break spaces as one space; curly quotes
 * as straight ones; zero-width spaces and joiners and BOMs dropped.
 */
int hm__screen_normalize(hm_buf *b, const char *text, size_t len, int fast)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i;
	char *o;

	b->len = 0;
	if (hm__buf_grow(b, len) < 0)
		return HM_ENOMEM;
	o = b->data;
	for (i = 0; i < len; i++) {
		unsigned char c = p[i];
		int space = 0;

		if (c >= 0x21 && c < 0x7f) {
			/* plain ASCII: try the block path, then this byte */
			size_t k = fast ? normalize_fast(o, p + i, len - i, o > b->data && o[-1] == ' ')
					: 0;
			if (k) {
				o += k;
				i += k - 1;
				continue;
			}
			*o++ = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
			continue;
		}
		if (c == ' ' || (c >= '\t' && c <= '\r') || c == 0) {
			space = 1;
		} else if (c == 0xc2 && i + 1 < len && p[i + 1] == 0xa0) {
			space = 1;
			i++;
		} else if (c == 0xe2 && i + 2 < len && p[i + 1] == 0x80) {
			unsigned char d = p[i + 2];
			if (d == 0x98 || d == 0x99) {
				c = '\'';
				i += 2;
			} else if (d == 0x9c || d == 0x9d) {
				c = '"';
				i += 2;
			} else if (d >= 0x8b && d <= 0x8d) {
				i += 2;
				continue;
			}
		} else if (c == 0xef && i + 2 < len && p[i + 1] == 0xbb && p[i + 2] == 0xbf) {
			i += 2;
			continue;
		}
		if (space) {
			if (o > b->data && o[-1] == ' ')
				continue;
			c = ' ';
		}
		*o++ = (char)c;
	}
	*o = '\0';
	b->len = (size_t)(o - b->data);
	return 0;
}

/* Pattern by pattern: a memmem per plain pattern and per regex literal. */
static void match_each(const hm_screen *s, const char *text, size_t len, unsigned char *hit)
{
	size_t i;

	for (i = 0; i < s->npats; i++) {
		const pattern *p = &s->pats[i];

		if (hit[p->cat])
			continue;
		if (p->is_re && !hm__literals_any(p->must, text, len))
			continue; /* regexec is slow; most texts lack the regex's literal parts */
		if (p->is_re ? regexec(&p->re, text, 0, NULL, 0) == 0
			     : memmem(text, len, p->text, p->len) != NULL)
			hit[p->cat] = 1;
	}
}

/* One multi-literal scan marks the plain patterns found and the regexes worth running. */
static int match_multi(const hm_screen *s, const char *text, size_t len, unsigned char *hit,
		       hm__screen_scratch *x)
{
	size_t i;
	int rc;

	if (x->nseen < s->npats) {
		unsigned char *p = realloc(x->seen, s->npats);
		if (!p)
			return HM_ENOMEM;
		x->seen = p;
		x->nseen = s->npats;
	}
	memset(x->seen, 0, s->npats);
	if ((rc = hm__multi_scan(s->multi, &x->hs, text, len, x->seen)) < 0)
		return rc;
	if (rc > 0) { /* the matcher declined this text */
		match_each(s, text, len, hit);
		return 0;
	}
	for (i = 0; i < s->npats; i++) {
		const pattern *p = &s->pats[i];

		if (hit[p->cat])
			continue;
		if (p->is_re ? (x->seen[i] || p->must->n == 0) &&
				       regexec(&p->re, text, 0, NULL, 0) == 0
			     : x->seen[i])
			hit[p->cat] = 1;
	}
	return 0;
}

size_t hm__screen_match(const hm_screen *s, const char *text, size_t len, unsigned char *hit,
			hm__screen_scratch *x, int *oom)
{
	size_t i, n = 0;

	*oom = 0;
	memset(hit, 0, s->ncats);
	if (hm__screen_normalize(&x->norm, text, len, 1) < 0) {
		*oom = 1;
		return 0;
	}
	if (!s->multi)
		match_each(s, x->norm.data, x->norm.len, hit);
	else if (match_multi(s, x->norm.data, x->norm.len, hit, x) < 0) {
		*oom = 1;
		return 0;
	}
	for (i = 0; i < s->ncats; i++)
		n += hit[i];
	return n;
}

void hm__screen_scratch_free(hm__screen_scratch *x)
{
	hm__buf_free(&x->norm);
	hm__multi_scratch_free(x->hs);
	free(x->seen);
	memset(x, 0, sizeof(*x));
}

void hm__screen_use_multi(hm_screen *s, int on)
{
	if (on && !s->multi) {
		s->multi = s->multi_off;
		s->multi_off = NULL;
	} else if (!on && s->multi) {
		s->multi_off = s->multi;
		s->multi = NULL;
	}
}

int hm__screen_has_multi(const hm_screen *s)
{
	return s->multi != NULL;
}

int hm_screen_match(size_t *nhit, unsigned char *hit, const hm_screen *s, const char *text,
		    size_t len)
{
	hm__screen_scratch scratch;
	unsigned char *h = hit;
	int oom;

	*nhit = 0;
	memset(&scratch, 0, sizeof(scratch));
	if (!h && !(h = calloc(s->ncats ? s->ncats : 1, 1)))
		return hm__err_oom();
	*nhit = hm__screen_match(s, text, len, h, &scratch, &oom);
	hm__screen_scratch_free(&scratch);
	if (h != hit)
		free(h);
	return oom ? HM_ENOMEM : 0;
}

static int category_valid(const char *c, size_t n)
{
	size_t i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = c[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-' || ch == '.'))
			return 0;
	}
	return 1;
}

static int category_index(hm_screen *s, const char *c, size_t n, size_t *idx)
{
	char **cats;
	size_t i;

	for (i = 0; i < s->ncats; i++) {
		if (strlen(s->cats[i]) == n && memcmp(s->cats[i], c, n) == 0) {
			*idx = i;
			return 0;
		}
	}
	cats = realloc(s->cats, (s->ncats + 1) * sizeof(*cats));
	if (!cats)
		return hm__err_oom();
	s->cats = cats;
	if (!(cats[s->ncats] = strndup(c, n)))
		return hm__err_oom();
	*idx = s->ncats++;
	return 0;
}

/* Adds the pattern of one line (category c[0..cn), pattern p[0..pn)). */
static int add_pattern(hm_screen *s, const char *c, size_t cn, const char *p, size_t pn,
		       const char *name, size_t line)
{
	pattern *pats, *pat;
	hm_buf norm = HM_BUF_INIT;
	int is_re = 0, rc;

	if (!category_valid(c, cn))
		return hm__err(HM_EFORMAT, "%s:%zu: the category must be 1-64 letters, digits, '_', "
			       "'-' or '.'", name, line);
	if (pn >= 3 && memcmp(p, "re:", 3) == 0) {
		is_re = 1;
		p += 3;
		pn -= 3;
	} else if (pn >= 4 && memcmp(p, "str:", 4) == 0) {
		p += 4;
		pn -= 4;
	}
	pats = realloc(s->pats, (s->npats + 1) * sizeof(*pats));
	if (!pats)
		return hm__err_oom();
	s->pats = pats;
	pat = &pats[s->npats];
	memset(pat, 0, sizeof(*pat));
	if ((rc = category_index(s, c, cn, &pat->cat)) < 0)
		return rc;
	pat->is_re = is_re;
	if (is_re) {
		if (!(pat->text = strndup(p, pn)))
			return hm__err_oom();
		pat->len = pn;
		if (pn == 0) {
			free(pat->text);
			return hm__err(HM_EFORMAT, "%s:%zu: empty regular expression", name, line);
		}
		rc = regcomp(&pat->re, pat->text, REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc != 0) {
			char msg[256];
			regerror(rc, &pat->re, msg, sizeof(msg));
			free(pat->text);
			return hm__err(HM_EFORMAT, "%s:%zu: bad regular expression: %s", name, line,
				       msg);
		}
		if (!(pat->must = calloc(1, sizeof(*pat->must))) ||
		    hm__literals_of(pat->must, pat->text) < 0) {
			regfree(&pat->re);
			free(pat->must);
			free(pat->text);
			return hm__err_oom();
		}
	} else {
		if (hm__screen_normalize(&norm, p, pn, 1) < 0)
			return HM_ENOMEM;
		if (norm.len == 0 || (norm.len == 1 && norm.data[0] == ' ')) {
			hm__buf_free(&norm);
			return hm__err(HM_EFORMAT, "%s:%zu: empty pattern", name, line);
		}
		pat->text = hm__buf_detach(&norm, &pat->len);
		if (!pat->text)
			return HM_ENOMEM;
	}
	s->npats++;
	return 0;
}

static int parse_lines(hm_screen *s, const char *text, size_t len, const char *name)
{
	size_t pos = 0, line = 0;
	int rc;

	if (memchr(text, '\0', len))
		return hm__err(HM_EFORMAT, "%s: contains a NUL byte", name);
	while (pos < len) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos), *tab;
		size_t n = nl ? (size_t)(nl - l) : len - pos, k = 0;

		pos += n + (nl ? 1 : 0);
		line++;
		if (n && l[n - 1] == '\r')
			n--;
		while (k < n && (l[k] == ' ' || l[k] == '\t'))
			k++;
		if (k == n || l[k] == '#')
			continue;
		tab = memchr(l, '\t', n);
		if (!tab)
			return hm__err(HM_EFORMAT, "%s:%zu: expected category<TAB>pattern", name, line);
		rc = add_pattern(s, l, (size_t)(tab - l), tab + 1, n - (size_t)(tab - l) - 1, name,
				 line);
		if (rc < 0)
			return rc;
	}
	if (s->npats == 0)
		return hm__err(HM_EFORMAT, "%s: no patterns", name);
	return 0;
}

/* The literals of every pattern, each under its pattern's index, for one scan. */
static int build_multi(hm_screen *s)
{
	const char **lit = NULL;
	size_t *len = NULL, n = 0, cap = 0, i, j;
	unsigned *ids = NULL;
	int rc = 0;

	for (i = 0; i < s->npats; i++)
		cap += s->pats[i].is_re ? s->pats[i].must->n : 1;
	if (cap == 0 || cap > 0xffffffu)
		return 0;
	lit = malloc(cap * sizeof(*lit));
	len = malloc(cap * sizeof(*len));
	ids = malloc(cap * sizeof(*ids));
	if (!lit || !len || !ids) {
		rc = hm__err_oom();
		goto out;
	}
	for (i = 0; i < s->npats; i++) {
		const pattern *p = &s->pats[i];
		size_t k = p->is_re ? p->must->n : 1;
		for (j = 0; j < k; j++, n++) {
			lit[n] = p->is_re ? p->must->v[j] : p->text;
			len[n] = p->is_re ? p->must->len[j] : p->len;
			ids[n] = (unsigned)i;
		}
	}
	rc = hm__multi_new(&s->multi, lit, len, ids, (unsigned)n);
out:
	free(lit);
	free(len);
	free(ids);
	return rc;
}

int hm_screen_parse(hm_screen **out, const char *text, size_t len, const char *name)
{
	unsigned char md[32];
	hm_screen *s;
	int rc;

	*out = NULL;
	if (!name)
		name = "screen patterns";
	if (!(s = calloc(1, sizeof(*s))))
		return hm__err_oom();
	if ((rc = parse_lines(s, text, len, name)) < 0 || (rc = build_multi(s)) < 0) {
		hm_screen_free(s);
		return rc;
	}
	hm__sha256(md, text, len);
	hm__hex_encode(s->digest, md, sizeof(md));
	*out = s;
	return 0;
}

int hm_screen_load(hm_screen **out, const char *path)
{
	char *def = NULL, *text;
	size_t len;
	int rc;

	*out = NULL;
	if (!path) {
		if ((rc = hm_screen_default_path(&def)) < 0)
			return rc;
		path = def;
	}
	rc = hm__read_file(&text, &len, path, 16u << 20);
	if (rc == 0) {
		rc = hm_screen_parse(out, text, len, path);
		free(text);
	}
	free(def);
	return rc;
}

void hm_screen_free(hm_screen *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->npats; i++) {
		if (s->pats[i].is_re)
			regfree(&s->pats[i].re);
		free(s->pats[i].text);
		if (s->pats[i].must)
			hm__literals_free(s->pats[i].must);
		free(s->pats[i].must);
	}
	for (i = 0; i < s->ncats; i++)
		free(s->cats[i]);
	hm__multi_free(s->multi);
	hm__multi_free(s->multi_off);
	free(s->pats);
	free(s->cats);
	free(s);
}

size_t hm_screen_pattern_count(const hm_screen *s)
{
	return s->npats;
}

size_t hm_screen_category_count(const hm_screen *s)
{
	return s->ncats;
}

const char *hm_screen_category_name(const hm_screen *s, size_t i)
{
	return i < s->ncats ? s->cats[i] : NULL;
}

const char *hm_screen_digest(const hm_screen *s)
{
	return s->digest;
}
