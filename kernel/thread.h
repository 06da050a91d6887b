/*
 * thread.h - kernel threads.
 *
 * A thread carries its gate chain: the innermost gate frame it is inside
 * (gate.h) and how deep it is nested.  A gate call migrates the calling
 * thread into the driver; no other thread is involved.
 */
#ifndef SLOTGATE_THREAD_H
#define SLOTGATE_THREAD_H

#include "types.h"

#define THREAD_MAX 16

struct gate_frame;

struct thread {
	unsigned id;                  /* 0 .. THREAD_MAX-1 */
	struct gate_frame *gate_top;  /* innermost gate, NULL outside drivers */
	unsigned gate_depth;
};

#endif
