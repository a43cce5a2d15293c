/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shim class 1, copied declarations: the kernel's semantics, rewritten,
 * where the allocator's behaviour depends on them.  Types and operators
 * keep the kernel's (ALIGN's typeof, min/max, BITS_TO_LONGS's size_t), the
 * bit searches return the size when nothing is found, bitmap_fill fills
 * whole words, list_del poisons.  Included through kshim.h only.
 */
#ifndef KSHIM_COPIED_H
#define KSHIM_COPIED_H

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
typedef unsigned int gfp_t;
typedef u64 phys_addr_t;
typedef struct {
	unsigned long pgprot;
} pgprot_t;

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) (*(volatile __typeof__(x) *)&(x) = (val))
/* a read the kernel marks as racy on purpose (KCSAN); plain here */
#define data_race(expr) (expr)
#define _RET_IP_ ((unsigned long)__builtin_return_address(0))
#define __maybe_unused __attribute__((__unused__))
#define __weak __attribute__((__weak__))
#define SMP_CACHE_BYTES 64
#define ____cacheline_aligned_in_smp __attribute__((__aligned__(SMP_CACHE_BYTES)))
#define container_of(ptr, type, member)                                     \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* kconfig.h: IS_ENABLED(CONFIG_X) is 1 iff CONFIG_X is defined to 1 */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define IS_ENABLED(option) __is_defined(option)

/* bits and words */
#define BITS_PER_BYTE 8
#define BITS_PER_LONG 64
#define BITS_PER_TYPE(type) (sizeof(type) * BITS_PER_BYTE)
#define BITS_TO_LONGS(nr) (((nr) + BITS_PER_TYPE(long) - 1) / BITS_PER_TYPE(long))
#define BIT(nr) (1UL << (nr))
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))

/* minmax.h, align.h, math.h: same operand types and results as the kernel */
#define min(x, y)                                                           \
	({                                                                  \
		__typeof__(x) __kx = (x);                                   \
		__typeof__(y) __ky = (y);                                   \
		__kx < __ky ? __kx : __ky;                                  \
	})
#define max(x, y)                                                           \
	({                                                                  \
		__typeof__(x) __kx = (x);                                   \
		__typeof__(y) __ky = (y);                                   \
		__kx > __ky ? __kx : __ky;                                  \
	})
#define min_t(type, x, y)                                                   \
	({                                                                  \
		type __kx = (x);                                            \
		type __ky = (y);                                            \
		__kx < __ky ? __kx : __ky;                                  \
	})
#define max_t(type, x, y)                                                   \
	({                                                                  \
		type __kx = (x);                                            \
		type __ky = (y);                                            \
		__kx > __ky ? __kx : __ky;                                  \
	})
#define clamp(val, lo, hi) min(max(val, lo), hi)
#define __ALIGN_KERNEL_MASK(x, mask) (((x) + (mask)) & ~(mask))
#define ALIGN(x, a) __ALIGN_KERNEL_MASK(x, (__typeof__(x))(a) - 1)
#define __ALIGN_MASK(x, mask) __ALIGN_KERNEL_MASK((x), (mask))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define roundup(x, y)                                                       \
	({                                                                  \
		__typeof__(y) __ky = (y);                                   \
		(((x) + (__ky - 1)) / __ky) * __ky;                         \
	})
#define struct_size(p, member, count)                                       \
	(sizeof(*(p)) + sizeof(*(p)->member) * (size_t)(count))

/* bitops and log2.h; fls(0) = 0, __ffs(0) is undefined in the kernel */
void kshim_bug(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

/*
 * atomic_t (7.x's allocation-failure warning limit): one thread runs the
 * allocator, so plain int arithmetic; atomic_dec_if_positive returns the
 * decremented value and stores it only when that is not negative.
 */
typedef struct {
	int counter;
} atomic_t;
#define ATOMIC_INIT(i) { (i) }
static inline int atomic_dec_if_positive(atomic_t *v)
{
	int dec = v->counter - 1;

	if (dec >= 0)
		v->counter = dec;
	return dec;
}

static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}
static inline int fls_long(unsigned long x)
{
	return x ? BITS_PER_LONG - __builtin_clzl(x) : 0;
}
static inline unsigned long __fls(unsigned long word)
{
	return BITS_PER_LONG - 1 - __builtin_clzl(word);
}
static inline unsigned long __ffs(unsigned long word)
{
	/* undefined for 0: treat a call as a kernel bug rather than guess */
	if (!word)
		kshim_bug(__FILE__, __LINE__, "__ffs(0)");
	return __builtin_ctzl(word);
}
#define ilog2(n) (fls_long(n) - 1)
#define is_power_of_2(n) ((n) != 0 && (((n) & ((n) - 1)) == 0))
#define roundup_pow_of_two(n) (1UL << fls_long((unsigned long)(n) - 1))
#define rounddown_pow_of_two(n) (1UL << (fls_long(n) - 1))
#define order_base_2(n) ((n) > 1 ? ilog2((n) - 1) + 1 : 0)

static inline unsigned long gcd(unsigned long a, unsigned long b)
{
	while (b) {
		unsigned long r = a % b;

		a = b;
		b = r;
	}
	return a;
}
static inline unsigned long lcm(unsigned long a, unsigned long b)
{
	return (a && b) ? (a / gcd(a, b)) * b : 0;
}

static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return (addr[BIT_WORD(nr)] >> (nr % BITS_PER_LONG)) & 1;
}
static inline void set_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}
static inline void clear_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}
#define __set_bit set_bit
#define __clear_bit clear_bit

/*
 * find.h: the next set (invert 0) or clear (invert ~0) bit at or after
 * offset, or size when there is none.  Reads only the words that hold
 * bits below size, as the kernel's does.
 */
static inline unsigned long kshim_find_next(const unsigned long *addr,
					    unsigned long size,
					    unsigned long offset,
					    unsigned long invert)
{
	unsigned long word;

	if (offset >= size)
		return size;
	word = (addr[BIT_WORD(offset)] ^ invert) &
	       (~0UL << (offset % BITS_PER_LONG));
	offset -= offset % BITS_PER_LONG;
	while (!word) {
		offset += BITS_PER_LONG;
		if (offset >= size)
			return size;
		word = addr[BIT_WORD(offset)] ^ invert;
	}
	offset += __builtin_ctzl(word);
	return offset < size ? offset : size;
}
static inline unsigned long find_next_bit(const unsigned long *addr,
					  unsigned long size,
					  unsigned long offset)
{
	return kshim_find_next(addr, size, offset, 0);
}
static inline unsigned long find_next_zero_bit(const unsigned long *addr,
					       unsigned long size,
					       unsigned long offset)
{
	return kshim_find_next(addr, size, offset, ~0UL);
}
/* the last set bit below size, or size when there is none */
static inline unsigned long find_last_bit(const unsigned long *addr,
					  unsigned long size)
{
	unsigned long idx, word;

	if (!size)
		return size;
	idx = (size - 1) / BITS_PER_LONG;
	word = addr[idx] & (~0UL >> (-size % BITS_PER_LONG));
	for (;;) {
		if (word)
			return idx * BITS_PER_LONG + __fls(word);
		if (!idx)
			return size;
		word = addr[--idx];
	}
}
#define for_each_set_bit(bit, addr, size)                                   \
	for ((bit) = 0; (bit) = find_next_bit((addr), (size), (bit)),       \
	    (bit) < (size);                                                 \
	     (bit)++)
/* [b, e) ranges of set / clear bits, with the kernel's update order */
#define for_each_set_bitrange(b, e, addr, size)                             \
	for ((b) = 0; (b) = find_next_bit((addr), (size), b),               \
	    (e) = find_next_zero_bit((addr), (size), (b) + 1),              \
	    (b) < (size);                                                   \
	     (b) = (e) + 1)
#define for_each_clear_bitrange(b, e, addr, size)                           \
	for ((b) = 0; (b) = find_next_zero_bit((addr), (size), (b)),        \
	    (e) = find_next_bit((addr), (size), (b) + 1),                   \
	    (b) < (size);                                                   \
	     (b) = (e) + 1)
#define for_each_clear_bitrange_from(b, e, addr, size)                      \
	for (; (b) = find_next_zero_bit((addr), (size), (b)),               \
	     (e) = find_next_bit((addr), (size), (b) + 1), (b) < (size);    \
	     (b) = (e) + 1)

static inline void bitmap_set(unsigned long *map, unsigned int start,
			      unsigned int nbits)
{
	for (; nbits && start % BITS_PER_LONG; start++, nbits--)
		set_bit(start, map);
	for (; nbits >= BITS_PER_LONG; start += BITS_PER_LONG,
					 nbits -= BITS_PER_LONG)
		map[BIT_WORD(start)] = ~0UL;
	for (; nbits; start++, nbits--)
		set_bit(start, map);
}
static inline void bitmap_clear(unsigned long *map, unsigned int start,
				unsigned int nbits)
{
	for (; nbits && start % BITS_PER_LONG; start++, nbits--)
		clear_bit(start, map);
	for (; nbits >= BITS_PER_LONG; start += BITS_PER_LONG,
					 nbits -= BITS_PER_LONG)
		map[BIT_WORD(start)] = 0;
	for (; nbits; start++, nbits--)
		clear_bit(start, map);
}
/* fills whole words: the bits past nbits in the last word are set too */
static inline void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0xff, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

/* list.h, with list_del's poisoned pointers */
struct list_head {
	struct list_head *next, *prev;
};
#define LIST_POISON1 ((void *)0x100)
#define LIST_POISON2 ((void *)0x122)
#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head *list)
{
	WRITE_ONCE(list->next, list);
	list->prev = list;
}
static inline void __list_add(struct list_head *new, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = new;
	new->next = next;
	new->prev = prev;
	WRITE_ONCE(prev->next, new);
}
static inline void list_add(struct list_head *new, struct list_head *head)
{
	__list_add(new, head, head->next);
}
static inline void list_add_tail(struct list_head *new,
				 struct list_head *head)
{
	__list_add(new, head->prev, head);
}
static inline void __list_del_entry(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	WRITE_ONCE(entry->prev->next, entry->next);
}
static inline void list_del(struct list_head *entry)
{
	__list_del_entry(entry);
	entry->next = LIST_POISON1;
	entry->prev = LIST_POISON2;
}
static inline void list_move(struct list_head *list, struct list_head *head)
{
	__list_del_entry(list);
	list_add(list, head);
}
static inline void list_move_tail(struct list_head *list,
				  struct list_head *head)
{
	__list_del_entry(list);
	list_add_tail(list, head);
}
static inline int list_empty(const struct list_head *head)
{
	return READ_ONCE(head->next) == head;
}
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(ptr, type, member)                                 \
	list_entry((ptr)->next, type, member)
#define list_next_entry(pos, member)                                        \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_first_entry_or_null(ptr, type, member)                         \
	({                                                                  \
		struct list_head *__khead = (ptr);                          \
		struct list_head *__kpos = READ_ONCE(__khead->next);        \
		__kpos != __khead ? list_entry(__kpos, type, member) : NULL; \
	})
#define list_entry_is_head(pos, head, member) (&(pos)->member == (head))
#define list_for_each_entry(pos, head, member)                              \
	for (pos = list_first_entry(head, __typeof__(*pos), member);        \
	     !list_entry_is_head(pos, head, member);                        \
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)                      \
	for (pos = list_first_entry(head, __typeof__(*pos), member),        \
	    n = list_next_entry(pos, member);                               \
	     !list_entry_is_head(pos, head, member);                        \
	     pos = n, n = list_next_entry(n, member))

/* err.h */
#define MAX_ERRNO 4095
static inline void *ERR_PTR(long error)
{
	return (void *)error;
}
static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}
static inline bool IS_ERR(const void *ptr)
{
	return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO;
}

/* gfp_types.h bit positions (6.12) and the combinations percpu.c uses */
#define __GFP_HIGHMEM ((gfp_t)BIT(1))
#define __GFP_HIGH ((gfp_t)BIT(5))
#define __GFP_IO ((gfp_t)BIT(6))
#define __GFP_FS ((gfp_t)BIT(7))
#define __GFP_ZERO ((gfp_t)BIT(8))
#define __GFP_DIRECT_RECLAIM ((gfp_t)BIT(10))
#define __GFP_KSWAPD_RECLAIM ((gfp_t)BIT(11))
#define __GFP_NOWARN ((gfp_t)BIT(13))
#define __GFP_NOFAIL ((gfp_t)BIT(15))
#define __GFP_NORETRY ((gfp_t)BIT(16))
#define __GFP_ACCOUNT ((gfp_t)BIT(22))
#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_ATOMIC (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM | __GFP_NOWARN)
static inline bool gfpflags_allow_blocking(const gfp_t gfp_flags)
{
	return !!(gfp_flags & __GFP_DIRECT_RECLAIM);
}

/* printk.h / kern_levels.h: the level travels as a prefix of the text */
#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_CRIT KERN_SOH "2"
#define KERN_WARNING KERN_SOH "4"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define KERN_CONT KERN_SOH "c"
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
int kshim_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define printk(fmt, ...) kshim_printk(fmt, ##__VA_ARGS__)
#define pr_emerg(fmt, ...) printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...) printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...) printk(KERN_CONT fmt, ##__VA_ARGS__)
/* no_printk: checked like printk, never printed (no DEBUG) */
#define pr_debug(fmt, ...)                                                  \
	({                                                                  \
		if (0)                                                      \
			printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__);      \
		0;                                                          \
	})

/* asm-generic/percpu.h: per-CPU pointers are offsets from the static section */
#define NR_CPUS 256
extern unsigned long __per_cpu_offset[NR_CPUS];
#define per_cpu_offset(x) (__per_cpu_offset[x])
#define per_cpu_ptr(ptr, cpu)                                               \
	((__typeof__(ptr))((unsigned long)(ptr) + per_cpu_offset(cpu)))

/* page-frame arithmetic (pfn.h, mm.h) over the runtime page size below */
#define PFN_ALIGN(x) (((unsigned long)(x) + (PAGE_SIZE - 1)) & PAGE_MASK)
#define PFN_UP(x) (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x) ((x) >> PAGE_SHIFT)
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)

#endif /* KSHIM_COPIED_H */
