/* ptrclass.c - the table of pointer-passing classes (see ptrclass.h). */
#include "ptrclass.h"

#define STR(r) {(r), PTR_NO_SIZE, PTR_KIND_STRING, PTR_READ, PTR_STR_MAX}
#define BUF(r, s, a) {(r), (s), PTR_KIND_BUFFER, (a), PTR_BUF_MAX}

const struct ptr_class_desc ptr_classes[PTR_CLASS_COUNT] = {
	[PTR_NONE] = {"none", 0, {{0}}},
	[PTR_STR_IN] = {"str_in", 1, {STR(0)}},
	[PTR_BUF_IN] = {"buf_in", 1, {BUF(0, 1, PTR_READ)}},
	[PTR_BUF_OUT] = {"buf_out", 1, {BUF(0, 1, PTR_WRITE)}},
	[PTR_BUF_INOUT] = {"buf_inout", 1, {BUF(0, 1, PTR_READ_WRITE)}},
	[PTR_HANDLE_BUF_IN] = {"handle_buf_in", 1, {BUF(1, 2, PTR_READ)}},
	[PTR_HANDLE_BUF_OUT] = {"handle_buf_out", 1, {BUF(1, 2, PTR_WRITE)}},
	[PTR_STR_BUF_IN] = {"str_buf_in", 2, {STR(0), BUF(1, 2, PTR_READ)}},
	[PTR_STR_BUF_OUT] = {"str_buf_out", 2, {STR(0), BUF(1, 2, PTR_WRITE)}},
};
