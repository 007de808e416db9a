/*
 * The SIGBUS guard for mapped hashing: see mapguard.h and hm_hash_mmap_enable().
 */
#include "mapguard.h"
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

/*
 * This thread's armed range. Written only by the thread itself, before the
 * accesses that may fault, so the handler (which runs on that thread) reads
 * what was written; volatile keeps the compiler from deferring the stores.
 * Initial-exec TLS: the handler may run on a thread that never hashed (a
 * SIGBUS of the application's own), where a dynamic TLS access could allocate
 * inside a signal handler; these 24 bytes live in the static TLS block.
 */
#if defined(__GNUC__)
#define HM_TLS_IE __attribute__((tls_model("initial-exec")))
#else
#define HM_TLS_IE
#endif
static __thread sigjmp_buf *volatile guard_jb HM_TLS_IE;
static __thread const char *volatile guard_lo HM_TLS_IE;
static __thread const char *volatile guard_hi HM_TLS_IE;

static pthread_mutex_t install_mu = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction prev; /* what was installed before us (under install_mu) */
static atomic_int enabled;
static atomic_ulong caught, mapped_files;

static void forward(int sig, siginfo_t *si, void *uc)
{
	struct sigaction dfl;

	if (prev.sa_flags & SA_SIGINFO) {
		if (prev.sa_sigaction)
			prev.sa_sigaction(sig, si, uc);
		return;
	}
	if (prev.sa_handler == SIG_IGN && si->si_code <= 0)
		return; /* sent with kill() or raise() and ignored before we came */
	if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
		prev.sa_handler(sig);
		return;
	}
	/*
	 * The default action (a fault cannot be ignored either): put it back and
	 * let the signal happen again, which now terminates the process as if we
	 * had never been installed.
	 */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	if (si->si_code <= 0)
		raise(sig); /* delivered once this handler returns */
	/* a fault: returning re-runs the faulting access */
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	sigjmp_buf *jb = guard_jb;
	const char *addr = si ? (const char *)si->si_addr : NULL;

	if (jb && si && si->si_code > 0 && addr >= guard_lo && addr < guard_hi) {
		guard_jb = NULL;
		atomic_fetch_add(&caught, 1); /* lock-free on every platform we build on */
		siglongjmp(*jb, 1);
	}
	forward(sig, si, uc);
}

static int ours(const struct sigaction *sa)
{
	return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == on_sigbus;
}

int hm_hash_mmap_enable(void)
{
	struct sigaction sa, cur;
	int rc = 0;

	pthread_mutex_lock(&install_mu);
	if (sigaction(SIGBUS, NULL, &cur) != 0) {
		rc = hm__err(HM_EIO, "cannot read the SIGBUS disposition: %s", strerror(errno));
	} else if (!ours(&cur)) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
		sigemptyset(&sa.sa_mask);
		prev = cur;
		if (sigaction(SIGBUS, &sa, NULL) != 0)
			rc = hm__err(HM_EIO, "cannot install the SIGBUS handler: %s",
				     strerror(errno));
	}
	if (rc == 0)
		atomic_store(&enabled, 1);
	pthread_mutex_unlock(&install_mu);
	return rc;
}

void hm_hash_mmap_disable(void)
{
	struct sigaction cur;

	pthread_mutex_lock(&install_mu);
	atomic_store(&enabled, 0);
	if (sigaction(SIGBUS, NULL, &cur) == 0 && ours(&cur))
		sigaction(SIGBUS, &prev, NULL);
	pthread_mutex_unlock(&install_mu);
}

int hm__mapguard_ready(void)
{
	struct sigaction cur;
	sigset_t mask;

	if (!atomic_load(&enabled))
		return 0;
	/*
	 * A fault raised while SIGBUS is blocked (a mask inherited from a parent,
	 * say) is not delivered to any handler: the kernel kills the process.
	 */
	if (pthread_sigmask(SIG_BLOCK, NULL, &mask) != 0 || sigismember(&mask, SIGBUS))
		return 0;
	return sigaction(SIGBUS, NULL, &cur) == 0 && ours(&cur);
}

void hm__mapguard_arm(sigjmp_buf *jb, const void *base, size_t len)
{
	guard_lo = base;
	guard_hi = (const char *)base + len;
	guard_jb = jb;
	atomic_signal_fence(memory_order_seq_cst);
}

void hm__mapguard_disarm(void)
{
	atomic_signal_fence(memory_order_seq_cst);
	guard_jb = NULL;
}

unsigned long hm__mapguard_caught(void)
{
	return atomic_load(&caught);
}

unsigned long hm__mapguard_mapped_files(void)
{
	return atomic_load(&mapped_files);
}

void hm__mapguard_count_mapped_file(void)
{
	atomic_fetch_add(&mapped_files, 1);
}
