/*
 * pagefamily_print.c: the seed's three print functions: the registered
 * families, the memory usage (pages and every block, for all families or
 * one), and the block usage per family. The only code of the page-family
 * manager that prints (stdout). Page addresses are printed as 0x...; block
 * positions as offsets inside their page, so the output differs between
 * runs only in those page addresses.
 */
#include "pagefamily_impl.h"

#include <inttypes.h>
#include <stdio.h>

static int not_ready(void) {
    if (mm_g.ready)
        return 0;
    printf("The memory manager is not initialised.\n");
    return 1;
}

void mm_print_registered_page_families(void) {
    if (not_ready())
        return;
    printf("Registered page families (page size %zu):\n", mm_g.page_size);
    int any = 0;
    MM_FOR_EACH_FAMILY(fam) {
        printf("  Page family: %s, struct size %" PRIu32 " bytes\n", fam->struct_name,
               fam->struct_size);
        any = 1;
    }
    if (!any)
        printf("  (none)\n");
}

static void print_family_pages(const vm_page_family_t *fam) {
    printf("Page family %s: struct size %" PRIu32 ", %" PRIu32 " page%s in use\n",
           fam->struct_name, fam->struct_size, fam->page_count,
           fam->page_count == 1 ? "" : "s");
    size_t pi = 0;
    for (const vm_page_t *pg = fam->first_page; pg; pg = pg->next, pi++) {
        printf("  Page %zu at 0x%" PRIxPTR "\n", pi, (uintptr_t)pg);
        size_t bi = 0;
        for (const block_meta_data_t *b = &pg->block_meta_data; b; b = b->next_block, bi++)
            printf("    block %2zu: offset %5" PRIu32 "  %-9s  data %5" PRIu32 " bytes\n", bi,
                   b->offset, b->is_free ? "FREE" : "ALLOCATED", b->block_size);
    }
    printf("  Free blocks, priority order:");
    if (!fam->prio_head)
        printf(" (none)");
    for (const block_meta_data_t *b = fam->prio_head; b; b = b->prio_next)
        printf(" %" PRIu32, b->block_size);
    printf("\n");
}

void mm_print_memory_usage(const char *struct_name) {
    if (not_ready())
        return;
    if (struct_name) {
        const vm_page_family_t *fam = lookup_page_family_by_name(struct_name);
        if (!fam) {
            mm_g.last_error = MM_E_UNREGISTERED;
            printf("mm_print_memory_usage: no page family is registered as \"%s\"\n",
                   struct_name);
            return;
        }
        print_family_pages(fam);
        printf("VM pages in use by %s: %" PRIu32 " (%zu bytes)\n", fam->struct_name,
               fam->page_count, (size_t)fam->page_count * mm_g.page_size);
        return;
    }
    MM_FOR_EACH_FAMILY(fam) {
        print_family_pages(fam);
    }
    printf("VM pages in use: %zu (%zu bytes)\n", mm_g.data_pages,
           mm_g.data_pages * mm_g.page_size);
    printf("Total memory held by the memory manager: %zu bytes (%zu data page%s + %zu "
           "family-record page%s)\n",
           (mm_g.data_pages + mm_g.family_pages) * mm_g.page_size, mm_g.data_pages,
           mm_g.data_pages == 1 ? "" : "s", mm_g.family_pages,
           mm_g.family_pages == 1 ? "" : "s");
}

void mm_print_block_usage(void) {
    if (not_ready())
        return;
    printf("Block usage:\n");
    MM_FOR_EACH_FAMILY(fam) {
        size_t total = 0, nfree = 0, app = 0;
        for (const vm_page_t *pg = fam->first_page; pg; pg = pg->next)
            for (const block_meta_data_t *b = &pg->block_meta_data; b; b = b->next_block) {
                total++;
                if (b->is_free)
                    nfree++;
                else
                    app += b->block_size;
            }
        printf("  %-20s blocks %4zu  free %4zu  occupied %4zu  application memory %6zu bytes"
               "  metadata %6zu bytes\n",
               fam->struct_name, total, nfree, total - nfree, app, total * MM_META);
    }
}
