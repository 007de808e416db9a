/* hallmark digest: the OMS v1.0 manifest root of a model file or directory. */
#include "cli.h"
#include "cli_progress.h"

#include <string.h>

int cmd_digest(int argc, char **argv)
{
	struct strlist pos = { 0 }, ignore = { 0 };
	hm_digest_options dopts = HM_DIGEST_OPTIONS_INIT;
	unsigned long jobs = 0;
	int json = 0, symlinks = 0, noprog = 0, gitpaths = 0, shard = 0, rc, status = EXIT_OK;
	const char *shard_size = NULL;
	struct cli_ignores ig = { NULL, 0, NULL, 0 };
	hm_manifest *m = NULL;
	struct progress prog;
	const struct opt opts[] = {
		{ "ignore", 0, OPT_LIST, "PATH", "ignore this path (relative to the model root)",
		  &ignore },
		{ "allow-symlinks", 0, OPT_FLAG, NULL,
		  "follow symlinks that stay inside the model root", &symlinks },
		{ "no-ignore-git-paths", 0, OPT_FLAG, NULL,
		  "no default ignores: hash .git & co. and .cache/huggingface too", &gitpaths },
		CLI_SHARD_OPTS(&shard, &shard_size),
		{ "jobs", 'j', OPT_UINT, "N", "hashing threads (default: online CPUs)", &jobs },
		{ "json", 0, OPT_FLAG, NULL, "print the manifest as JSON", &json },
		{ "no-progress", 0, OPT_FLAG, NULL, "no progress bar on the terminal", &noprog },
		OPT_END
	};
	const struct cmd_spec spec = {
		"digest", "PATH [--ignore PATH]... [--allow-symlinks] [--shard [--shard-size N]]\n"
		"       [--jobs N] [--json]",
		"Print sha256:<root> of a model file or directory, computed as the OpenSSF\n"
		"model-signing (OMS) v1.0 manifest: equal to `model_signing digest` on the same\n"
		"directory and ignore list.", opts, 1, 1, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		strlist_free(&pos);
		strlist_free(&ignore);
		return opt_exit_status(rc);
	}
	if ((status = cli_shard_options(&spec, &dopts, shard, shard_size)) != 0 ||
	    (status = cli_ignores_build(&ig, &spec, pos.v[0], &ignore, NULL, 0)) != 0)
		goto out;
	dopts.ignore = ig.v;
	dopts.nignore = ig.n;
	dopts.allow_symlinks = symlinks;
	dopts.include_git_paths = gitpaths;
	dopts.jobs = (unsigned)jobs;
	progress_attach(&prog, &dopts, "hashing", noprog);
	rc = hm_manifest_compute(&m, pos.v[0], &dopts);
	progress_done(&prog);
	if (rc < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	cli_note_download_cache(m);
	if (json) {
		char *pred = NULL;
		if ((rc = hm_manifest_predicate_json(&pred, m)) < 0) {
			status = cli_lib_error(rc);
			goto out;
		}
		printf("{\"name\":");
		cli_json_string(stdout, hm_manifest_name(m));
		printf(",\"digest\":{\"sha256\":\"%s\"},\"manifest\":%s}\n", hm_manifest_root(m), pred);
		hm_free(pred);
	} else {
		printf("sha256:%s\n", hm_manifest_root(m));
	}
out:
	cli_ignores_free(&ig);
	hm_manifest_free(m);
	strlist_free(&pos);
	strlist_free(&ignore);
	return status;
}
