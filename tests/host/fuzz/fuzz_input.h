/*
 * fuzz_input.h - reading a libFuzzer input as a stream of choices.
 *
 * The harnesses that drive operation sequences (fuzz_uspace, fuzz_gate,
 * fuzz_ipc, fuzz_ramfs) take their choices from the input a few bytes
 * at a time; past its end every read gives 0, so each input is a finite,
 * deterministic sequence.  FUZZ_CHECK() aborts with the harness's line:
 * every invariant violation is a crash libFuzzer records.
 */
#ifndef SLOTGATE_FUZZ_INPUT_H
#define SLOTGATE_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline int fuzz_more(const struct fuzz_in *in) { return in->left != 0; }

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t lo = fuzz_u8(in);
	return (uint16_t)(lo | (uint16_t)fuzz_u8(in) << 8);
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t lo = fuzz_u16(in);
	return lo | (uint32_t)fuzz_u16(in) << 16;
}

static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
	uint64_t lo = fuzz_u32(in);
	return lo | (uint64_t)fuzz_u32(in) << 32;
}

/* One of @n (n > 0) choices. */
static inline unsigned fuzz_pick(struct fuzz_in *in, unsigned n)
{
	return fuzz_u8(in) % n;
}

#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant violated: %s\n",    \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
