/*
 * Replays a libFuzzer corpus through a harness with the normal compiler, so
 * every input that ever found a bug (and every seed) runs in `make check`.
 * Usage: replay_<name> DIR|FILE...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f) {
		perror(path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || (n && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int i, files = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			struct dirent **ents;
			int n = scandir(argv[i], &ents, NULL, alphasort), j;
			if (n < 0) {
				perror(argv[i]);
				return 1;
			}
			for (j = 0; j < n; j++) {
				char p[4096];
				if (ents[j]->d_name[0] != '.') {
					snprintf(p, sizeof(p), "%s/%s", argv[i], ents[j]->d_name);
					if (run_file(p) < 0)
						return 1;
					files++;
				}
				free(ents[j]);
			}
			free(ents);
		} else {
			if (run_file(argv[i]) < 0)
				return 1;
			files++;
		}
	}
	printf("replayed %d inputs\n", files);
	return files > 0 ? 0 : 1;
}
