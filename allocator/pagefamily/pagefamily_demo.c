/*
 * pagefamily_demo.c: the seed's test application. Registers an employee
 * and a student struct, shows the registered families, then runs the
 * three scenarios: allocate 3 employees and 2 students; free emp1, emp3
 * and stud2; free emp2 and stud1. Memory and block usage are printed after
 * each scenario.
 *
 * A user program, not part of the library: it prints its scenario titles;
 * the library prints only in its mm_print_* functions. Its output, with
 * page addresses replaced, is the golden file of tests/pagefamily
 * (pagefamily.demo_golden).
 */
#include "pagefamily.h"

#include <stdio.h>
#include <string.h>

typedef struct emp_ {
    char name[32];
    uint32_t emp_id;
} emp_t;

typedef struct student_ {
    char name[32];
    uint32_t roll_no;
    uint32_t marks[3]; /* physics, chemistry, mathematics */
    struct student_ *next;
} student_t;

static void show(const char *title) {
    printf("\n== %s ==\n", title);
    mm_print_memory_usage(NULL);
    mm_print_block_usage();
}

static void *must(void *p, const char *what) {
    if (!p)
        printf("%s failed: %s\n", what, mm_strerror(mm_last_error()));
    return p;
}

int main(void) {
    mm_init();
    if (MM_REG_STRUCT(emp_t) != 0 || MM_REG_STRUCT(student_t) != 0) {
        printf("registration failed: %s\n", mm_strerror(mm_last_error()));
        return 1;
    }
    mm_print_registered_page_families();

    emp_t *emp1 = must(XCALLOC(1, emp_t), "XCALLOC emp1");
    emp_t *emp2 = must(XCALLOC(1, emp_t), "XCALLOC emp2");
    emp_t *emp3 = must(XCALLOC(1, emp_t), "XCALLOC emp3");
    student_t *stud1 = must(XCALLOC(1, student_t), "XCALLOC stud1");
    student_t *stud2 = must(XCALLOC(1, student_t), "XCALLOC stud2");
    if (!emp1 || !emp2 || !emp3 || !stud1 || !stud2)
        return 1;
    strcpy(emp1->name, "Ada");
    emp1->emp_id = 1;
    strcpy(emp2->name, "Brian");
    emp2->emp_id = 2;
    strcpy(emp3->name, "Grace");
    emp3->emp_id = 3;
    strcpy(stud1->name, "Linus");
    stud1->roll_no = 101;
    stud1->next = stud2;
    strcpy(stud2->name, "Margaret");
    stud2->roll_no = 102;
    show("Scenario 1: 3 employees and 2 students allocated");

    XFREE(emp1);
    XFREE(emp3);
    XFREE(stud2);
    show("Scenario 2: emp1, emp3 and stud2 freed");

    XFREE(emp2);
    XFREE(stud1);
    show("Scenario 3: emp2 and stud1 freed, every page given back");

    mm_shutdown();
    return 0;
}
