/*
 * ptrclass.h - the pointer-passing classes: one global constant table.
 *
 * A gate names one class (slotgate/abi.h, enum ptr_class); the class says
 * which argument registers carry a pointer, which carry its size, and how
 * the driver may use it.  The table lives in the kernel's read-only data:
 * no caller can supply or change it (the seed's point: "a global constant
 * shared between these two uses").  Adding an entry point with an
 * existing class takes one line: its gate_register() call.
 */
#ifndef SLOTGATE_PTRCLASS_H
#define SLOTGATE_PTRCLASS_H

#include "slotgate/abi.h"
#include "types.h"

#define PTR_MAX_PARAMS 2
#define PTR_NO_SIZE 0xff

enum ptr_kind { PTR_KIND_STRING, PTR_KIND_BUFFER };
enum ptr_access { PTR_READ = 1, PTR_WRITE = 2, PTR_READ_WRITE = 3 };

struct ptr_param {
	u8 reg;      /* argument index of the pointer (0..5) */
	u8 size_reg; /* argument index of its size, PTR_NO_SIZE for strings */
	u8 kind;     /* enum ptr_kind */
	u8 access;   /* enum ptr_access: what the driver may do */
	u32 max;     /* bytes: PTR_STR_MAX (NUL included) or PTR_BUF_MAX */
};

struct ptr_class_desc {
	const char *name;
	u8 count; /* pointer parameters, 0..PTR_MAX_PARAMS */
	struct ptr_param params[PTR_MAX_PARAMS];
};

extern const struct ptr_class_desc ptr_classes[PTR_CLASS_COUNT];

#endif
