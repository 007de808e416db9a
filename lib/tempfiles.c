/*
 * The temporary files being written right now, so that a signal handler can
 * remove them before the process dies (nothing partial is left behind).
 *
 * A fixed table: a signal handler may not take locks or walk memory that
 * another thread is reallocating. A slot is claimed with an atomic
 * compare-and-swap, filled, and only then marked live; the handler unlinks
 * live slots only. A write that finds the table full still works, it just
 * cannot be cleaned up by a signal.
 */
#include "internal.h"

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define SLOTS 32

enum { FREE, FILLING, LIVE };

static struct {
	atomic_int state;
	char path[PATH_MAX];
} slots[SLOTS];

int hm__tempfile_register(const char *path)
{
	size_t n = strlen(path);
	int i;

	if (n >= PATH_MAX)
		return -1;
	for (i = 0; i < SLOTS; i++) {
		int expect = FREE;
		if (atomic_compare_exchange_strong(&slots[i].state, &expect, FILLING)) {
			memcpy(slots[i].path, path, n + 1);
			atomic_store(&slots[i].state, LIVE);
			return i;
		}
	}
	return -1;
}

void hm__tempfile_forget(int slot)
{
	if (slot >= 0 && slot < SLOTS)
		atomic_store(&slots[slot].state, FREE);
}

void hm_remove_temp_files(void)
{
	int i;

	for (i = 0; i < SLOTS; i++)
		if (atomic_load(&slots[i].state) == LIVE)
			(void)unlink(slots[i].path);
}

int hm__signals_block(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	return pthread_sigmask(SIG_BLOCK, &all, old);
}

void hm__signals_restore(const sigset_t *old)
{
	(void)pthread_sigmask(SIG_SETMASK, old, NULL);
}
