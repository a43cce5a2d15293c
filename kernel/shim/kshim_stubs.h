/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shim class 2, no-op stubs: hooks that change nothing the allocator
 * decides (annotations, exports, tracepoints, kmemleak, memcg, cache and
 * TLB flushes, NUMA).  Arguments are still evaluated and type-checked
 * where that is free.  Included through kshim.h only.
 */
#ifndef KSHIM_STUBS_H
#define KSHIM_STUBS_H

/* annotations: no init sections, no sparse address spaces, no exports */
#define __init
#define __initdata
#define __initconst
#define __ro_after_init
#define __read_mostly
#define __flatten
#define __percpu
#define __force
#define __alloc_size(...)
#define EXPORT_SYMBOL(sym) extern int kshim_exported_symbol
#define EXPORT_SYMBOL_GPL(sym) extern int kshim_exported_symbol
#define DEFINE_FREE(name, type, free)
#define alloc_hooks(do_alloc) (do_alloc)
/* boot-time registration: keep the function referenced, never call it */
#define early_param(str, fn)                                                \
	static int (*const kshim_early_##fn)(char *) __maybe_unused = (fn)
#define subsys_initcall(fn)                                                 \
	static int (*const kshim_initcall_##fn)(void) __maybe_unused = (fn)

/* tracepoints other than chunk creation and destruction (section 3) */
static inline void kshim_ignore(int dummy, ...)
{
	(void)dummy;
}
#define trace_percpu_alloc_percpu(...) kshim_ignore(0, __VA_ARGS__)
#define trace_percpu_alloc_percpu_fail(...) kshim_ignore(0, __VA_ARGS__)
#define trace_percpu_free_percpu(...) kshim_ignore(0, __VA_ARGS__)
#define kmemleak_alloc_percpu(ptr, size, gfp) kshim_ignore(0, ptr, size, gfp)
#define kmemleak_free_percpu(ptr) kshim_ignore(0, ptr)
#define kmemleak_ignore_phys(phys) kshim_ignore(0, phys)
/* memcg: kmem accounting off, as with cgroup.memory=nokmem */
struct obj_cgroup;
static inline bool mem_cgroup_kmem_disabled(void)
{
	return true;
}
/* one address space, no caches to flush */
#define flush_cache_vmap(start, end) kshim_ignore(0, start, end)
#define flush_cache_vunmap(start, end) kshim_ignore(0, start, end)
#define flush_tlb_kernel_range(start, end) kshim_ignore(0, start, end)
#define dump_stack() kshim_ignore(0)
#define current_gfp_context(gfp) (gfp)
#define memalloc_noio_save() 0U
#define memalloc_noio_restore(flags) kshim_ignore(0, flags)
/* one node, CPU 0 is the boot CPU */
#define LOCAL_DISTANCE 10
#define cpu_to_node(cpu) ((void)(cpu), 0)
#define get_boot_cpu_id() 0
#define VMALLOC_TOTAL (32UL << 40)

#endif /* KSHIM_STUBS_H */
