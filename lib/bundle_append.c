/*
 * Appending to a bundle: read it under an exclusive lock, build the new text,
 * replace the file atomically. hm_bundle_append_envelopes() also checks that
 * the file is a bundle and leaves out envelopes it already holds.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Builds the new text from the old (NULL when the file is new); 1: nothing to add. */
typedef int (*build_fn)(hm_buf *b, const char *old, size_t oldlen, const char *path, void *ctx);

/* old contents (may be NULL) + the new lines, each ending in a newline */
static int put_lines(hm_buf *b, const char *old, size_t oldlen, const char *const *lines,
		     const size_t *lens, const int *skip, size_t n)
{
	size_t i;

	if (oldlen && (hm__buf_put(b, old, oldlen) < 0 ||
		       (old[oldlen - 1] != '\n' && hm__buf_puts(b, "\n") < 0)))
		return HM_ENOMEM;
	for (i = 0; i < n; i++) {
		if (skip && skip[i])
			continue;
		if (memchr(lines[i], '\n', lens[i]))
			return hm__err(HM_EINVAL, "a bundle line may not contain a newline");
		if (hm__buf_put(b, lines[i], lens[i]) < 0 || hm__buf_puts(b, "\n") < 0)
			return HM_ENOMEM;
	}
	return 0;
}

/*
 * Concurrent appenders must not lose each other's lines. Each takes an
 * exclusive flock on the bundle it read, and writes the replacement while
 * holding it; a waiter that then finds the path pointing to a newer file
 * (the rename happened) starts again on that file. A missing bundle is
 * created without ever replacing one another process created meanwhile.
 * A symbolic link is followed: the lock, the checks and the replacement are
 * the target's, and the link stays.
 */
static int rewrite_locked(const char *path, build_fn build, void *ctx)
{
	for (;;) {
		hm_buf b = HM_BUF_INIT;
		struct stat fst, pst;
		char *old = NULL, *target = NULL;
		size_t oldlen = 0;
		int fd, rc, in_place;

		if ((rc = hm__resolve_output(&target, &in_place, path)) < 0)
			return rc;
		if (in_place) {
			free(target);
			return hm__err(HM_EIO, "%s: not a regular file", path);
		}
		fd = open(target, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
		if (fd < 0 && errno == ENOENT) {
			rc = build(&b, NULL, 0, path, ctx);
			if (rc == 0)
				rc = hm__write_file_atomic(target, b.data ? b.data : "", b.len, 0644, 0);
			hm__buf_free(&b);
			free(target);
			if (rc == HM_EEXISTS)
				continue; /* created by someone else meanwhile: append to theirs */
			return rc < 0 ? rc : 0;
		}
		if (fd < 0) {
			rc = hm__err(HM_EIO, "%s: %s", path, strerror(errno));
			free(target);
			return rc;
		}
		if (flock(fd, LOCK_EX) < 0 || fstat(fd, &fst) < 0) {
			rc = hm__err(HM_EIO, "%s: cannot lock: %s", path, strerror(errno));
			close(fd);
			free(target);
			return rc;
		}
		if (lstat(target, &pst) < 0 || pst.st_ino != fst.st_ino || pst.st_dev != fst.st_dev) {
			close(fd); /* replaced while we waited: read the new one */
			free(target);
			continue;
		}
		if (!S_ISREG(fst.st_mode)) {
			close(fd);
			free(target);
			return hm__err(HM_EIO, "%s: not a regular file", path);
		}
		rc = hm__read_fd(&old, &oldlen, fd, path, HM_BUNDLE_MAX_BYTES);
		if (rc == 0)
			rc = build(&b, old, oldlen, path, ctx);
		/* keep the bundle's permissions (a 0600 bundle stays private) */
		if (rc == 0)
			rc = hm__write_file_atomic(target, b.data ? b.data : "", b.len,
						   fst.st_mode & 07777, 1);
		free(old);
		free(target);
		hm__buf_free(&b);
		close(fd); /* releases the lock, after the rename */
		return rc < 0 ? rc : 0;
	}
}

struct raw {
	const char *const *lines;
	const size_t *lens;
	size_t n;
};

static int build_raw(hm_buf *b, const char *old, size_t oldlen, const char *path, void *ctx)
{
	const struct raw *r = ctx;

	(void)path;
	return put_lines(b, old, oldlen, r->lines, r->lens, NULL, r->n);
}

int hm_bundle_append(const char *path, const char *const *lines, const size_t *lens, size_t n)
{
	struct raw r = { lines, lens, n };

	return rewrite_locked(path, build_raw, &r);
}

/* a's payload type and bytes are b's, and each of a's signatures is one of b's */
static int holds(const hm_envelope *b, const hm_envelope *a)
{
	size_t alen, blen, i, j;
	const unsigned char *ap = hm_envelope_payload(a, &alen), *bp = hm_envelope_payload(b, &blen);

	if (strcmp(hm_envelope_payload_type(a), hm_envelope_payload_type(b)) != 0 || alen != blen ||
	    (alen && memcmp(ap, bp, alen) != 0))
		return 0;
	for (i = 0; i < hm_envelope_signature_count(a); i++) {
		size_t sa, sb;
		const unsigned char *siga = hm_envelope_signature(a, i, &sa);
		for (j = 0; j < hm_envelope_signature_count(b); j++) {
			const unsigned char *sigb = hm_envelope_signature(b, j, &sb);
			if (strcmp(hm_envelope_signature_keyid(a, i),
				   hm_envelope_signature_keyid(b, j)) == 0 &&
			    sa == sb && memcmp(siga, sigb, sa) == 0)
				break;
		}
		if (j == hm_envelope_signature_count(b))
			return 0;
	}
	return 1;
}

struct dedup {
	const char *const *lines;
	const size_t *lens;
	size_t n;
	int *skip;          /* n entries */
	hm_envelope **fresh; /* the new lines, parsed */
};

static int build_envelopes(hm_buf *b, const char *old, size_t oldlen, const char *path, void *ctx)
{
	struct dedup *d = ctx;
	hm_bundle *bundle = NULL;
	hm_envelope **have = NULL;
	size_t i, j, nhave = 0, added = 0;
	int rc = 0;

	for (i = 0; i < d->n; i++)
		d->skip[i] = 0;
	if (oldlen && (rc = hm_bundle_parse(&bundle, old, oldlen)) < 0)
		return rc;
	nhave = bundle ? hm_bundle_line_count(bundle) : 0;
	if (nhave && !(have = calloc(nhave, sizeof(*have)))) {
		rc = hm__err_oom();
		goto out;
	}
	for (i = 0; i < nhave; i++) {
		size_t len;
		const char *line = hm_bundle_line(bundle, i, &len);
		if (len == 0)
			rc = hm__err(HM_EFORMAT, "empty line");
		else
			rc = hm_envelope_parse(&have[i], line, len);
		if (rc < 0) {
			rc = hm__err(HM_EFORMAT, "%s: line %zu is not a DSSE envelope (%s); not "
				     "appending to a file that is not a bundle", path, i + 1,
				     hm_error_last());
			goto out;
		}
	}
	for (i = 0; i < d->n; i++) {
		for (j = 0; j < nhave && !d->skip[i]; j++)
			d->skip[i] = holds(have[j], d->fresh[i]);
		for (j = 0; j < i && !d->skip[i]; j++)
			d->skip[i] = !d->skip[j] && holds(d->fresh[j], d->fresh[i]);
		added += !d->skip[i];
	}
	rc = added ? put_lines(b, old, oldlen, d->lines, d->lens, d->skip, d->n) : 1;
out:
	for (i = 0; have && i < nhave; i++)
		hm_envelope_free(have[i]);
	free(have);
	hm_bundle_free(bundle);
	return rc;
}

int hm_bundle_append_envelopes(int *skipped, const char *path, const char *const *lines,
			       const size_t *lens, size_t n)
{
	struct dedup d = { lines, lens, n, NULL, NULL };
	size_t i;
	int rc = 0;

	d.skip = calloc(n ? n : 1, sizeof(*d.skip));
	d.fresh = calloc(n ? n : 1, sizeof(*d.fresh));
	if (!d.skip || !d.fresh) {
		rc = hm__err_oom();
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((rc = hm_envelope_parse(&d.fresh[i], lines[i], lens[i])) < 0) {
			rc = hm__err_prefix("line %zu to append is not a DSSE envelope: ", i + 1);
			goto out;
		}
	if ((rc = rewrite_locked(path, build_envelopes, &d)) < 0)
		goto out;
	if (skipped)
		memcpy(skipped, d.skip, n * sizeof(*skipped));
out:
	for (i = 0; d.fresh && i < n; i++)
		hm_envelope_free(d.fresh[i]);
	free(d.fresh);
	free(d.skip);
	return rc;
}
