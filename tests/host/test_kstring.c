/* test_kstring.c - the quadword NUL scan behind strlen and the gate's
 * string validation (kernel/kstring.h zero_byte_index). */
#include "htest.h"
#include "kstring.h"

#include <stdlib.h>

static unsigned naive(u64 x)
{
	for (unsigned i = 0; i < 8; i++)
		if (((x >> (8 * i)) & 0xff) == 0)
			return i;
	return 8;
}

HTEST(zero_byte_index_every_position)
{
	/* Each position zero, above it bytes that provoke borrows (0x01,
	 * 0x80, 0xff), below it non-zero bytes. */
	static const u8 fill[] = {0x01, 0x80, 0xff, 0x7f, 0x00};
	for (unsigned pos = 0; pos < 8; pos++)
		for (unsigned f = 0; f < sizeof(fill); f++) {
			u64 x = 0;
			for (unsigned i = 0; i < 8; i++) {
				u8 b = i < pos ? (u8)(0x01 + i * 0x21) : i == pos ? 0 : fill[f];
				x |= (u64)b << (8 * i);
			}
			CHECK_EQ(zero_byte_index(x), pos);
		}
	CHECK_EQ(zero_byte_index(0x0101010101010101ull), 8);
	CHECK_EQ(zero_byte_index(0xffffffffffffffffull), 8);
	CHECK_EQ(zero_byte_index(0x8080808080808080ull), 8);
}

HTEST(zero_byte_index_random)
{
	srand(11);
	int agree = 1;
	for (int k = 0; k < 200000; k++) {
		u64 x = 0;
		for (unsigned i = 0; i < 8; i++) /* zero bytes are common */
			x |= (u64)(rand() % 4 ? rand() & 0xff : 0) << (8 * i);
		agree &= zero_byte_index(x) == naive(x);
	}
	CHECK(agree);
}
