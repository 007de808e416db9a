/*
 * lib/mapguard.h: reading a mapped file without dying of SIGBUS (internal;
 * used by hashpool.c).
 *
 * A file truncated while it is mapped makes the next access to the lost pages
 * raise SIGBUS (an I/O error on a mapped page does too). Once the application
 * has called hm_hash_mmap_enable(), a process-wide handler turns such a fault,
 * when it hits the range this thread has armed, into a siglongjmp back to the
 * thread's sigsetjmp; every other SIGBUS goes to the handler installed before
 * ours, or gets the default action (the process dies, as it would without us).
 */
#ifndef HM_MAPGUARD_H
#define HM_MAPGUARD_H

#include <setjmp.h>
#include <stddef.h>

/*
 * 1 when mapping is enabled, our handler is still the one installed and this
 * thread does not block SIGBUS (otherwise the caller reads: an application
 * that replaced the handler or blocks the signal gets read(), never an
 * unguarded mapping).
 */
int hm__mapguard_ready(void);

/*
 * Arms this thread's guard for [base, base+len): a SIGBUS there jumps to jb
 * (sigsetjmp(jb, 1) in a frame that is still live). Disarm before the frame
 * returns and before unmapping.
 */
void hm__mapguard_arm(sigjmp_buf *jb, const void *base, size_t len);
void hm__mapguard_disarm(void);

/* For tests: faults caught so far, and files hashed from a mapping so far. */
unsigned long hm__mapguard_caught(void);
unsigned long hm__mapguard_mapped_files(void);
void hm__mapguard_count_mapped_file(void);

#endif
