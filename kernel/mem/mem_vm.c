// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmalloc areas for the vm backend's chunks, carved from one inaccessible
 * reservation in equal slots (every chunk has the same shape), lowest free
 * slot first so addresses repeat from execution to execution.  Mapping a
 * page makes its address show the page (mem_vm_host.c says how);
 * unmapping makes the address inaccessible again, and a per-slot table
 * answers vmalloc_to_page.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "mem_internal.h"

/* bound the slot table; a chunk that finds no slot fails like vmalloc */
#define MEM_MAX_VM_SLOTS 65536UL

unsigned long mem_slot_of(const void *addr)
{
	return (unsigned long)(((uintptr_t)addr - (uintptr_t)mem.vm_base) /
			       mem.vm_span);
}

bool kshim_is_vmalloc_addr(const void *addr)
{
	return (uintptr_t)addr >= (uintptr_t)mem.vm_base &&
	       (uintptr_t)addr < (uintptr_t)mem.vm_base + mem.vm_len;
}

static char *slot_base(unsigned long slot)
{
	return mem.vm_base + slot * mem.vm_span;
}

/* the span of the first request fixes the slot size for this geometry */
static bool vm_setup_slots(size_t span)
{
	if (mem.vm_span)
		return mem.vm_span == span;
	mem.vm_span = span;
	mem.nr_slots = mem.vm_len / span;
	if (mem.nr_slots > MEM_MAX_VM_SLOTS)
		mem.nr_slots = MEM_MAX_VM_SLOTS;
	mem.slots = calloc(mem.nr_slots ? mem.nr_slots : 1, sizeof(*mem.slots));
	if (!mem.slots)
		kshim_bug(__FILE__, __LINE__, "vmalloc: out of host memory");
	return true;
}

struct vm_struct **kshim_get_vm_areas(const unsigned long *offsets,
				      const size_t *sizes, int nr_vms,
				      size_t align)
{
	struct mem_vm_slot *s;
	size_t need = 0, span;
	unsigned long slot;

	kshim_might_sleep(__FILE__, __LINE__);
	if (mem_fault_fire(MEM_FAULT_CHUNK))
		return NULL;
	for (int i = 0; i < nr_vms; i++)
		need = max(need, (size_t)(offsets[i] + sizes[i]));
	span = ALIGN(need, max(align, mem.ps));
	if (!nr_vms || !vm_setup_slots(span))
		kshim_bug(__FILE__, __LINE__,
			  "pcpu_get_vm_areas: %d areas of %zu bytes, slots of %zu",
			  nr_vms, need, mem.vm_span);
	for (slot = mem.slot_hint; slot < mem.nr_slots; slot++)
		if (!mem.slots[slot].vms)
			break;
	if (slot >= mem.nr_slots) {
		mem.st.vm_exhausted++;
		return NULL;
	}

	s = &mem.slots[slot];
	s->vms = calloc((size_t)nr_vms, sizeof(*s->vms));
	s->ptes = calloc(span >> mem.shift, sizeof(*s->ptes));
	if (!s->vms || !s->ptes)
		kshim_bug(__FILE__, __LINE__, "vmalloc: out of host memory");
	s->nr_vms = nr_vms;
	for (int i = 0; i < nr_vms; i++) {
		s->vms[i] = calloc(1, sizeof(**s->vms));
		if (!s->vms[i])
			kshim_bug(__FILE__, __LINE__, "vmalloc: out of host memory");
		*s->vms[i] = (struct vm_struct){ slot_base(slot) + offsets[i],
						 sizes[i], VM_ALLOC };
	}
	/* inaccessible until mapped: the host side poisons what no area
	 * used before, and every unmap and release poisons what it frees */
	mem_vm_host_area(slot_base(slot), span);
	mem.slot_hint = slot + 1;
	mem.st.areas_live++;
	mem.st.area_allocs++;
	return s->vms;
}

/* drop every mapping of a slot and the slot itself */
static void vm_release_slot(unsigned long slot)
{
	struct mem_vm_slot *s = &mem.slots[slot];
	size_t nr_ptes = mem.vm_span >> mem.shift;

	if (s->nr_mapped) {
		for (size_t i = 0; i < nr_ptes; i++)
			if (s->ptes[i]) {
				mem.mapcount[s->ptes[i] - kshim_mem_map]--;
				mem.st.pages_mapped--;
			}
		mem_vm_host_unmap(slot_base(slot), mem.vm_span);
	}
	for (int i = 0; i < s->nr_vms; i++)
		free(s->vms[i]);
	free(s->vms);
	free(s->ptes);
	*s = (struct mem_vm_slot){ 0 };
	if (slot < mem.slot_hint)
		mem.slot_hint = slot;
	mem.st.areas_live--;
}

void kshim_free_vm_areas(struct vm_struct **vms, int nr_vms)
{
	unsigned long slot;

	if (!vms || !nr_vms || !kshim_is_vmalloc_addr(vms[0]->addr) ||
	    (slot = mem_slot_of(vms[0]->addr)) >= mem.nr_slots ||
	    mem.slots[slot].vms != vms || mem.slots[slot].nr_vms != nr_vms)
		kshim_bug(__FILE__, __LINE__,
			  "pcpu_free_vm_areas(%p, %d): not an area set",
			  (void *)vms, nr_vms);
	/* the kernel depopulates before it frees: leftovers are leaked pages */
	mem.st.leaked_mappings += mem.slots[slot].nr_mapped;
	vm_release_slot(slot);
	mem.st.area_frees++;
}

/* the slot and pte index of a page-aligned address inside a live area */
static struct mem_vm_slot *vm_lookup(unsigned long addr, size_t *pte)
{
	unsigned long slot;

	if (!kshim_is_vmalloc_addr((void *)addr))
		return NULL;
	slot = mem_slot_of((void *)addr);
	if (!mem.vm_span || slot >= mem.nr_slots || !mem.slots[slot].vms)
		return NULL;
	*pte = (addr - (uintptr_t)slot_base(slot)) >> mem.shift;
	return &mem.slots[slot];
}

int kshim_vmap(unsigned long addr, unsigned long end, struct page **pages)
{
	size_t n = (end - addr) >> mem.shift, todo = n, run = 0, pte = 0;
	struct mem_vm_slot *s = vm_lookup(addr, &pte);
	int ret = 0;

	if (!s || end <= addr || pte + n > mem.vm_span >> mem.shift)
		kshim_bug(__FILE__, __LINE__,
			  "vmap [%#lx, %#lx): not inside a vmalloc area", addr, end);
	if (mem_fault_fire(MEM_FAULT_VMAP)) {
		/* a page table allocation failed halfway through */
		todo = n / 2;
		ret = -ENOMEM;
	}
	for (size_t i = 0; i < todo; i++) {
		unsigned long pfn = (unsigned long)(pages[i] - kshim_mem_map);

		if (pfn < mem.first_pfn || pfn >= mem.nr_pfns ||
		    !test_bit(pfn, mem.used))
			kshim_bug(__FILE__, __LINE__,
				  "vmap: page %p is not allocated", (void *)pages[i]);
		if (s->ptes[pte + i])
			kshim_bug(__FILE__, __LINE__,
				  "vmap: %#lx is already mapped",
				  addr + (i << mem.shift));
		if (mem.mapcount[pfn])
			kshim_bug(__FILE__, __LINE__,
				  "vmap: page %p is already mapped at another address",
				  (void *)pages[i]);
		s->ptes[pte + i] = pages[i];
		s->nr_mapped++;
		mem.mapcount[pfn]++;
		mem.st.pages_mapped++;
		mem.st.maps++;
		/* one mmap per run of consecutive physical pages */
		if (run && pfn == (unsigned long)(pages[i - 1] - kshim_mem_map) + 1) {
			run++;
			continue;
		}
		if (run)
			mem_vm_host_map((char *)addr + ((i - run) << mem.shift),
					(unsigned long)(pages[i - run] - kshim_mem_map),
					run);
		run = 1;
	}
	if (run)
		mem_vm_host_map((char *)addr + ((todo - run) << mem.shift),
				(unsigned long)(pages[todo - run] - kshim_mem_map),
				run);
	return ret;
}

void kshim_vunmap(unsigned long addr, unsigned long end)
{
	size_t n = (end - addr) >> mem.shift, pte = 0;
	struct mem_vm_slot *s = vm_lookup(addr, &pte);

	if (!s || end <= addr || pte + n > mem.vm_span >> mem.shift)
		kshim_bug(__FILE__, __LINE__,
			  "vunmap [%#lx, %#lx): not inside a vmalloc area", addr, end);
	for (size_t i = 0; i < n; i++) {
		struct page *page = s->ptes[pte + i];

		if (!page)
			continue;
		s->ptes[pte + i] = NULL;
		s->nr_mapped--;
		mem.mapcount[page - kshim_mem_map]--;
		mem.st.pages_mapped--;
		mem.st.unmaps++;
	}
	mem_vm_host_unmap((char *)addr, end - addr);
}

struct page *kshim_vmalloc_to_page(const void *addr)
{
	size_t pte = 0;
	struct mem_vm_slot *s;

	if (!kshim_is_vmalloc_addr(addr))
		kshim_bug(__FILE__, __LINE__,
			  "vmalloc_to_page(%p): not a vmalloc address", addr);
	s = vm_lookup((uintptr_t)addr & ~(uintptr_t)(mem.ps - 1), &pte);
	if (!s || pte >= mem.vm_span >> mem.shift)
		return NULL;
	return s->ptes[pte];
}

/*
 * The page table entries of nr pages from addr (page-aligned), as
 * kshim_vmalloc_to_page reads them one at a time: the backing check asks
 * for every page of every CPU of a chunk, and one lookup per CPU's unit
 * saves a division and two range tests per page.
 */
struct page *const *kshim_vmalloc_ptes(const void *addr, size_t nr)
{
	size_t pte = 0;
	struct mem_vm_slot *s;

	if (!kshim_is_vmalloc_addr(addr) ||
	    ((uintptr_t)addr & (uintptr_t)(mem.ps - 1)))
		return NULL;
	s = vm_lookup((uintptr_t)addr, &pte);
	if (!s || pte + nr > mem.vm_span >> mem.shift)
		return NULL;
	return &s->ptes[pte];
}

void mem_vm_release_all(void)
{
	for (unsigned long slot = 0; slot < mem.nr_slots; slot++)
		if (mem.slots[slot].vms)
			vm_release_slot(slot);
	mem_vm_host_released();
}

void mem_vm_teardown(void)
{
	if (mem.slots)
		mem_vm_release_all();
	free(mem.slots);
	mem.slots = NULL;
	if (mem.vm_base)
		mem_vm_host_teardown();
	mem.vm_base = NULL;
}
