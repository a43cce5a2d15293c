// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_empty: a target that does nothing, built exactly like fuzz_pcpu.
 * `make bench` measures both in the same run, so exec_ratio says what the
 * allocator and its checks cost relative to the engine's own ceiling.
 */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
