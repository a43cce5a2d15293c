/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shim class 3, changed for testing: real behaviour backed by our runtime
 * (shim_rt.c, mem_*.c).  Page size and CPUs per geometry, the static
 * per-CPU section, fake physical pages with a working page->index,
 * memblock, vmalloc areas, the metadata heap (counted, fault-injectable,
 * leak-checked), locks whose misuse aborts, a work queue that only marks
 * work pending, WARN counted, BUG and panic fatal, and the chunk
 * tracepoints reporting to the backend.  Included through kshim.h only.
 */
#ifndef KSHIM_TESTING_H
#define KSHIM_TESTING_H

/* page size and CPUs are per geometry (kshim_configure) */
extern unsigned long kshim_page_size;
extern int kshim_page_shift;
#define PAGE_SIZE kshim_page_size
#define PAGE_SHIFT kshim_page_shift
#define PAGE_MASK (~(PAGE_SIZE - 1))

struct cpumask {
	unsigned long bits[BITS_TO_LONGS(NR_CPUS)];
};
typedef struct cpumask cpumask_t;
extern unsigned int nr_cpu_ids;
extern struct cpumask kshim_cpu_possible;
extern unsigned int kshim_current_cpu;
#define cpu_possible_mask ((const struct cpumask *)&kshim_cpu_possible)
#define cpumask_bits(maskp) ((maskp)->bits)
#define cpumask_pr_args(maskp) nr_cpu_ids, cpumask_bits(maskp)
#define for_each_cpu(cpu, mask)                                             \
	for ((cpu) = 0;                                                     \
	     (cpu) = find_next_bit(cpumask_bits(mask), nr_cpu_ids, (cpu)),  \
	    (cpu) < nr_cpu_ids;                                             \
	     (cpu)++)
#define for_each_possible_cpu(cpu) for_each_cpu((cpu), cpu_possible_mask)
#define cpu_possible(cpu) test_bit((cpu), cpu_possible_mask->bits)
#define cpumask_first(mask) find_next_bit((mask)->bits, nr_cpu_ids, 0)
#define cpumask_empty(mask) (cpumask_first(mask) >= nr_cpu_ids)
#define cpumask_clear_cpu(cpu, mask) clear_bit((cpu), (mask)->bits)
#define cpumask_clear(mask) memset((mask), 0, sizeof(struct cpumask))
#define cpumask_copy(dst, src) (*(dst) = *(src))
#define num_possible_cpus() nr_cpu_ids
/* the CPU "running" the allocator; free_percpu looks chunks up through it */
#define raw_smp_processor_id() kshim_current_cpu

/* the kernel image's .data..percpu section, one per geometry */
extern char *kshim_per_cpu_start, *kshim_per_cpu_end;
#define __per_cpu_start kshim_per_cpu_start
#define __per_cpu_end kshim_per_cpu_end
#define __per_cpu_load kshim_per_cpu_start

/* fake physical memory: a memfd, its direct map and one struct page each */
struct page {
	unsigned long flags; /* unused by percpu.c */
	/*
	 * percpu.c keeps the chunk owning the page here: in page->index up
	 * to 6.12, in page->private from 7.x on.  One slot under both names,
	 * so the backing check (glue_checks.c) reads it the same way on
	 * every version.
	 */
	union {
		unsigned long index;
		unsigned long private;
	};
};
extern struct page *kshim_mem_map;
extern char *kshim_direct_base;
#define page_to_pfn(page) ((unsigned long)((page) - kshim_mem_map))
#define page_to_phys(page) ((phys_addr_t)page_to_pfn(page) << PAGE_SHIFT)
#define nth_page(page, n) ((page) + (n))
#define __pa(x) ((phys_addr_t)((unsigned long)(x) - (unsigned long)kshim_direct_base))
#define MAX_DMA_ADDRESS ((unsigned long)kshim_direct_base)
struct page *kshim_alloc_pages(gfp_t gfp, unsigned int order);
void kshim_free_pages(struct page *page, unsigned int order);
void *kshim_page_address(const struct page *page);
struct page *kshim_virt_to_page(const void *addr);
#define alloc_pages(gfp, order) kshim_alloc_pages((gfp), (order))
#define alloc_pages_node(nid, gfp, order)                                   \
	((void)(nid), kshim_alloc_pages((gfp), (order)))
#define __free_pages(page, order) kshim_free_pages((page), (order))
#define __free_page(page) kshim_free_pages((page), 0)
#define page_address(page) kshim_page_address(page)
#define virt_to_page(addr) kshim_virt_to_page(addr)

/* memblock: a bump allocator whose frees make memory inaccessible */
void *kshim_memblock_alloc(phys_addr_t size, phys_addr_t align,
			   phys_addr_t min_addr);
void kshim_memblock_free(void *ptr, size_t size);
#define memblock_alloc(size, align) kshim_memblock_alloc((size), (align), 0)
#define memblock_alloc_from(size, align, min_addr)                          \
	kshim_memblock_alloc((size), (align), (min_addr))
#define memblock_free(ptr, size) kshim_memblock_free((ptr), (size))
/* 7.x: the callers' "allocate or panic" folded into memblock */
#define memblock_alloc_or_panic(size, align)                                \
	({                                                                  \
		void *__kp = kshim_memblock_alloc((size), (align), 0);      \
		if (!__kp)                                                  \
			panic("memblock_alloc_or_panic: %zu bytes",         \
			      (size_t)(size));                              \
		__kp;                                                       \
	})

/* vmalloc areas carved from one inaccessible reservation */
struct vm_struct {
	void *addr;
	unsigned long size;
	unsigned long flags;
};
#define VM_ALLOC 0x00000002
#define PAGE_KERNEL ((pgprot_t){ 0x63 })
struct vm_struct **kshim_get_vm_areas(const unsigned long *offsets,
				      const size_t *sizes, int nr_vms,
				      size_t align);
void kshim_free_vm_areas(struct vm_struct **vms, int nr_vms);
int kshim_vmap(unsigned long addr, unsigned long end, struct page **pages);
void kshim_vunmap(unsigned long addr, unsigned long end);
struct page *kshim_vmalloc_to_page(const void *addr);
/* for the checks: vmalloc_to_page of nr pages from addr at once, or NULL
 * when they do not all lie in one vmalloc area */
struct page *const *kshim_vmalloc_ptes(const void *addr, size_t nr);
bool kshim_is_vmalloc_addr(const void *addr);
#define pcpu_get_vm_areas(offsets, sizes, nr_vms, align)                    \
	kshim_get_vm_areas((offsets), (sizes), (nr_vms), (align))
#define pcpu_free_vm_areas(vms, nr_vms) kshim_free_vm_areas((vms), (nr_vms))
/* 7.x passes a gfp mask after page_shift; 6.x does not */
#define vmap_pages_range_noflush(addr, end, prot, pages, page_shift, ...)   \
	((void)(prot), (void)(page_shift), kshim_vmap((addr), (end), (pages)))
#define vunmap_range_noflush(addr, end) kshim_vunmap((addr), (end))
#define vmalloc_to_page(addr) kshim_vmalloc_to_page(addr)
#define is_vmalloc_addr(addr) kshim_is_vmalloc_addr(addr)

/* the metadata heap: counted, fault-injectable, leak-checked */
void *kshim_kmalloc(size_t size, gfp_t gfp);
void kshim_kvfree(const void *ptr);
extern bool kshim_slab_up;
#define kzalloc(size, gfp) kshim_kmalloc((size), (gfp) | __GFP_ZERO)
#define __vmalloc(size, gfp) kshim_kmalloc((size), (gfp))
#define kvfree(ptr) kshim_kvfree(ptr)
#define slab_is_available() kshim_slab_up

/* locks are held flags: recursion, stray unlocks, missing holds abort */
typedef struct {
	bool held;
	const char *name;
} spinlock_t;
struct mutex {
	bool held;
	const char *name;
};
void kshim_lock(bool *held, const char *name, bool sleeps, const char *file,
		int line);
void kshim_unlock(bool *held, const char *name, bool sleeps,
		  const char *file, int line);
void kshim_spin_unlock(bool *held, const char *name, const char *file,
		       int line, const char *func);
void kshim_assert_held(bool held, const char *name, const char *file,
		       int line);
void kshim_might_sleep(const char *file, int line);
#define DEFINE_SPINLOCK(x) spinlock_t x = { false, #x }
#define DEFINE_MUTEX(x) struct mutex x = { false, #x }
#define spin_lock_irqsave(l, flags)                                         \
	do {                                                                \
		(flags) = 1;                                                \
		kshim_lock(&(l)->held, (l)->name, false, __FILE__, __LINE__); \
	} while (0)
/*
 * Releasing a spinlock also passes the kernel function doing it
 * (__func__ where the macro expands, inside the unmodified kernel file):
 * a release of pcpu_lock is a preemption point, named after that
 * function (docs/interleavings.md §2.2, shim_rt.c).
 */
#define spin_unlock_irqrestore(l, flags)                                    \
	do {                                                                \
		(void)(flags);                                              \
		kshim_spin_unlock(&(l)->held, (l)->name, __FILE__, __LINE__, \
				  __func__);                                \
	} while (0)
#define spin_lock_irq(l) kshim_lock(&(l)->held, (l)->name, false, __FILE__, __LINE__)
#define spin_unlock_irq(l)                                                  \
	kshim_spin_unlock(&(l)->held, (l)->name, __FILE__, __LINE__, __func__)
#define mutex_lock(m) kshim_lock(&(m)->held, (m)->name, true, __FILE__, __LINE__)
#define mutex_lock_killable(m) (mutex_lock(m), 0)
#define mutex_unlock(m) kshim_unlock(&(m)->held, (m)->name, true, __FILE__, __LINE__)
#define lockdep_assert_held(l) kshim_assert_held((l)->held, (l)->name, __FILE__, __LINE__)
#define cond_resched() kshim_might_sleep(__FILE__, __LINE__)

/* the work queue only marks work pending; the backend runs it */
struct work_struct {
	bool pending;
	void (*func)(struct work_struct *work);
};
#define DECLARE_WORK(n, f) struct work_struct n = { false, (f) }
static inline bool schedule_work(struct work_struct *work)
{
	if (work->pending)
		return false;
	work->pending = true;
	return true;
}

/* WARN is counted and logged, BUG and panic end the process */
void kshim_warn(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define WARN(cond, fmt, ...)                                                \
	({                                                                  \
		bool __kc = !!(cond);                                       \
		if (unlikely(__kc))                                         \
			kshim_warn(__FILE__, __LINE__, fmt, ##__VA_ARGS__); \
		unlikely(__kc);                                             \
	})
#define WARN_ON(cond)                                                       \
	({                                                                  \
		bool __kc = !!(cond);                                       \
		if (unlikely(__kc))                                         \
			kshim_warn(__FILE__, __LINE__, "WARN_ON(%s)", #cond); \
		unlikely(__kc);                                             \
	})
/* once per execution: the flag lives in the restored kernel state */
#define WARN_ON_ONCE(cond)                                                  \
	({                                                                  \
		static bool __kwarned;                                      \
		bool __kc = !!(cond);                                       \
		if (unlikely(__kc) && !__kwarned) {                         \
			__kwarned = true;                                   \
			kshim_warn(__FILE__, __LINE__, "WARN_ON_ONCE(%s)", #cond); \
		}                                                           \
		unlikely(__kc);                                             \
	})
#define BUG() kshim_bug(__FILE__, __LINE__, "BUG()")
#define BUG_ON(cond)                                                        \
	do {                                                                \
		if (unlikely(cond))                                         \
			kshim_bug(__FILE__, __LINE__, "BUG_ON(%s)", #cond); \
	} while (0)
#define panic(fmt, ...) kshim_bug(__FILE__, __LINE__, "panic: " fmt, ##__VA_ARGS__)

/* chunk creation and destruction are reported to the backend */
void kshim_chunk_event(bool created, void *base_addr);
#define trace_percpu_create_chunk(base_addr) kshim_chunk_event(true, (base_addr))
#define trace_percpu_destroy_chunk(base_addr) kshim_chunk_event(false, (base_addr))

#endif /* KSHIM_TESTING_H */
