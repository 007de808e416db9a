/*
 * Model cards: a new card from the facts, or an existing card updated in
 * place (front matter merged key by key, the section between the markers
 * replaced, every other byte kept).
 */
#include "card_impl.h"
#include "hallmark/hubcache.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	unsigned bit;
} owned[] = {
	{ "base_model", HM__CARD_BASE_MODEL }, { "datasets", HM__CARD_DATASETS },
	{ "license", HM__CARD_LICENSE },       { "tags", HM__CARD_TAGS },
	{ "model-index", HM__CARD_MODEL_INDEX },
};

static int key_index(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(owned) / sizeof(owned[0]); i++)
		if (strcmp(owned[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Our YAML without a document-end line ("..." after an open-ended scalar). */
static size_t yaml_len(const char *ours)
{
	size_t n = strlen(ours);

	if (n >= 4 && strcmp(ours + n - 4, "...\n") == 0 && (n == 4 || ours[n - 5] == '\n'))
		n -= 4;
	return n;
}

int hm__card_merge_text(hm_buf *out, const char *fm, size_t fmlen,
			const struct hm__front_matter *user, const char *const ours[HM__CARD_NKEYS])
{
	int present[HM__CARD_NKEYS] = { 0 }, rc, k, inserted = 0;
	size_t i, pos = 0;

	for (i = 0; user && i < user->nkeys; i++)
		if ((k = key_index(user->keys[i].name)) >= 0)
			present[k] = 1;
	for (i = 0; user && i < user->nkeys; i++) {
		const struct hm__yaml_key *key = &user->keys[i];
		k = key_index(key->name);
		if (k < 0 || !ours[k] || key->start < pos || key->end > fmlen)
			continue;
		if ((rc = hm__buf_put(out, fm + pos, key->start - pos)) < 0)
			return rc;
		pos = key->end;
		if (!present[k])
			continue; /* a duplicate key: written once */
		present[k] = 0;
		if (!inserted) {
			/* keys the author did not have, before the first one replaced */
			for (k = 0; k < HM__CARD_NKEYS; k++)
				if (ours[k] && !hm__front_matter_get((struct hm__front_matter *)user,
								     owned[k].name) &&
				    (rc = hm__buf_put(out, ours[k], yaml_len(ours[k]))) < 0)
					return rc;
			inserted = 1;
			k = key_index(key->name);
		}
		if ((rc = hm__buf_put(out, ours[k], yaml_len(ours[k]))) < 0)
			return rc;
	}
	if ((rc = hm__buf_put(out, fm + pos, fmlen - pos)) < 0)
		return rc;
	if (!inserted) {
		if (out->len && out->data[out->len - 1] != '\n' && (rc = hm__buf_puts(out, "\n")) < 0)
			return rc;
		for (k = 0; k < HM__CARD_NKEYS; k++)
			if (ours[k] && (rc = hm__buf_put(out, ours[k], yaml_len(ours[k]))) < 0)
				return rc;
	}
	return 0;
}

/*
 * Versions 1 (without keys_url) and 2 (without benchmark_hub_ids) are still
 * accepted: *local gets the caller's fields and the defaults for the newer
 * ones, and *o then points at it.
 */
int hm__card_check_options(const hm_card_options **o, hm_card_options *local)
{
	const hm_card_options *c = *o;
	size_t i;

	if (c->version != 1 && c->version != 2)
		HM__CHECK_VERSION(c, HM_CARD_OPTIONS_VERSION, "hm_card_options");
	if (c->version == 1 || c->version == 2) {
		hm_card_options defaults = HM_CARD_OPTIONS_INIT;
		*local = defaults;
		memcpy(local, c, c->version == 1 ? offsetof(hm_card_options, keys_url)
						 : offsetof(hm_card_options, benchmark_hub_ids));
		local->version = HM_CARD_OPTIONS_VERSION;
		*o = c = local;
	}
	for (i = 0; i < c->nbenchmark_hub_ids; i++) {
		const char *eq = strchr(c->benchmark_hub_ids[i], '=');
		if (!eq || eq == c->benchmark_hub_ids[i])
			return hm__err(HM_EINVAL, "benchmark hub id \"%s\" is not NAME=ORG/NAME"
				       "[@REV]", c->benchmark_hub_ids[i]);
		if (hm_hub_id_check(eq + 1) < 0)
			return hm__err(HM_EINVAL, "benchmark %.*s: %s",
				       (int)(eq - c->benchmark_hub_ids[i]), c->benchmark_hub_ids[i],
				       hm_error_last());
	}
	if (c->license && (!*c->license || strpbrk(c->license, "\r\n")))
		return hm__err(HM_EINVAL, "license \"%s\" is empty or spans lines", c->license);
	if (c->keys_url && (!*c->keys_url || strpbrk(c->keys_url, "\r\n")))
		return hm__err(HM_EINVAL, "keys URL \"%s\" is empty or spans lines", c->keys_url);
	return 0;
}

int hm_card_render(char **out, const hm_facts *f, const hm_card_options *opts)
{
	hm_card_options defaults = HM_CARD_OPTIONS_INIT, v1;
	const hm_fact_model *m = hm_facts_model(f);
	hm_buf b = HM_BUF_INIT;
	char *yaml = NULL;
	unsigned written;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_card_render: out is NULL");
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if ((rc = hm__card_check_options(&opts, &v1)) < 0)
		return rc;
	if (!f)
		return hm__err(HM_EINVAL, "hm_card_render: f is NULL");
	if ((rc = hm__card_yaml(&yaml, &written, f, opts, NULL, HM__CARD_ALL)) < 0)
		return rc;
	if ((rc = hm__buf_puts(&b, "---\n")) < 0 ||
	    (rc = hm__buf_put(&b, yaml, yaml_len(yaml))) < 0 ||
	    (rc = hm__buf_puts(&b, "---\n\n# ")) < 0 ||
	    (rc = hm__md_text(&b, m && m->name ? m->name : "Model card")) < 0 ||
	    (rc = hm__buf_puts(&b, "\n\n")) < 0 || (rc = hm__card_section(&b, f, opts)) < 0 ||
	    (rc = hm__buf_puts(&b, "\n")) < 0)
		goto out;
	*out = hm__buf_detach(&b, NULL);
out:
	free(yaml);
	hm__buf_free(&b);
	return rc;
}

/* Finds the markers in the body; 1 with their range, 0 when absent, <0 when unpaired. */
static int find_markers(const char *body, size_t len, size_t *begin, size_t *end)
{
	const char *b = memmem(body, len, HM_CARD_BEGIN_MARKER, strlen(HM_CARD_BEGIN_MARKER));
	const char *e;

	if (!b) {
		if (memmem(body, len, HM_CARD_END_MARKER, strlen(HM_CARD_END_MARKER)))
			return hm__err(HM_EFORMAT, "the card has \"%s\" but no \"%s\" before it",
				       HM_CARD_END_MARKER, HM_CARD_BEGIN_MARKER);
		return 0;
	}
	e = memmem(b, len - (size_t)(b - body), HM_CARD_END_MARKER, strlen(HM_CARD_END_MARKER));
	if (!e)
		return hm__err(HM_EFORMAT, "the card has \"%s\" but no \"%s\" after it",
			       HM_CARD_BEGIN_MARKER, HM_CARD_END_MARKER);
	*begin = (size_t)(b - body);
	*end = (size_t)(e - body) + strlen(HM_CARD_END_MARKER);
	return 1;
}

static int update_body(hm_buf *out, const char *body, size_t len, const hm_facts *f,
		       const hm_card_options *o)
{
	size_t begin = 0, end = 0;
	int rc, found = find_markers(body, len, &begin, &end);

	if (found < 0)
		return found;
	if (found) {
		if ((rc = hm__buf_put(out, body, begin)) < 0 ||
		    (rc = hm__card_section(out, f, o)) < 0)
			return rc;
		return hm__buf_put(out, body + end, len - end);
	}
	if ((rc = hm__buf_put(out, body, len)) < 0)
		return rc;
	if (len && body[len - 1] != '\n' && (rc = hm__buf_puts(out, "\n")) < 0)
		return rc;
	if (len && (rc = hm__buf_puts(out, "\n")) < 0)
		return rc;
	if ((rc = hm__card_section(out, f, o)) < 0)
		return rc;
	return hm__buf_puts(out, "\n");
}

int hm_card_update(char **out, const char *text, size_t len, const hm_facts *f,
		   const hm_card_options *opts)
{
	hm_card_options defaults = HM_CARD_OPTIONS_INIT, v1;
	struct hm__front_matter user;
	hm_buf b = HM_BUF_INIT;
	size_t fm = 0, fmlen = 0, body = 0;
	char *yaml = NULL, *keys[HM__CARD_NKEYS] = { NULL };
	unsigned written = 0;
	int rc, has, k;

	if (!out)
		return hm__err(HM_EINVAL, "hm_card_update: out is NULL");
	if (!text)
		return hm__err(HM_EINVAL, "hm_card_update: text is NULL");
	*out = NULL;
	memset(&user, 0, sizeof(user));
	if (!opts)
		opts = &defaults;
	if ((rc = hm__card_check_options(&opts, &v1)) < 0)
		return rc;
	if (!f)
		return hm__err(HM_EINVAL, "hm_card_update: f is NULL");
	if (len > HM_CARD_MAX_BYTES)
		return hm__err(HM_EINVAL, "the card is larger than %zu bytes", HM_CARD_MAX_BYTES);
	if (memchr(text, '\0', len))
		return hm__err(HM_EFORMAT, "the card holds a NUL byte: it is not text");
	if ((has = hm__front_matter_split(text, len, &fm, &fmlen, &body)) < 0)
		return has;
	if (has && (rc = hm__front_matter_parse(&user, text + fm, fmlen)) < 0)
		return rc;
	if (!has && (rc = hm__card_yaml(&yaml, &written, f, opts, NULL, HM__CARD_ALL)) < 0)
		goto out;
	for (k = 0; has && k < HM__CARD_NKEYS; k++) {
		/* one key at a time, so each replaces the author's in place */
		if ((rc = hm__card_yaml(&keys[k], &written, f, opts, &user, owned[k].bit)) < 0)
			goto out;
		if (!written) {
			free(keys[k]);
			keys[k] = NULL;
		}
	}
	if (has) {
		if ((rc = hm__buf_put(&b, text, fm)) < 0 ||
		    (rc = hm__card_merge_text(&b, text + fm, fmlen, &user,
					      (const char *const *)keys)) < 0 ||
		    (rc = hm__buf_put(&b, text + fm + fmlen, body - fm - fmlen)) < 0)
			goto out;
		/* a closing "---" at the very end of the file: the section starts a line */
		if (b.data[b.len - 1] != '\n' && (rc = hm__buf_puts(&b, "\n")) < 0)
			goto out;
	} else if ((rc = hm__buf_puts(&b, "---\n")) < 0 ||
		   (rc = hm__buf_put(&b, yaml, yaml_len(yaml))) < 0 ||
		   (rc = hm__buf_puts(&b, "---\n")) < 0) {
		goto out;
	}
	if ((rc = update_body(&b, text + body, len - body, f, opts)) < 0)
		goto out;
	if (!b.data && (rc = hm__buf_puts(&b, "")) < 0)
		goto out;
	*out = hm__buf_detach(&b, NULL);
out:
	for (k = 0; k < HM__CARD_NKEYS; k++)
		free(keys[k]);
	free(yaml);
	hm__front_matter_free(&user);
	hm__buf_free(&b);
	return rc;
}
