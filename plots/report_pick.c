/*
 * report_pick.c: the page's side of pick.c: under a chart that draws only
 * the allocators pick.c chose, which ones and why, and every allocator's
 * figures folded in a table one click away (plots_report.h).
 *
 * Where it sits: called by report.c while it writes DIR/report.html; it
 * writes with report.c's HTML helpers.
 */
#include "plots_report.h"

#include <stdio.h>

/* Under a chart that draws only the picked allocators: which, and why. */
void plots_report_picked(FILE *f, const plots_set *s, const char *rest)
{
    if (s->npicked >= s->nallocs)
        return;
    fprintf(f, "<p class=\"note\">Drawn: %zu of the %zu allocators, ", s->npicked,
            s->nallocs);
    fputs(plots_pick_rule, f);
    fputs(":", f);
    for (size_t i = 0, k = 0; i < s->nallocs; i++) {
        if (!s->allocs[i].picked)
            continue;
        fputs(k++ ? ", " : " ", f);
        plots_html_swatch(f, &s->allocs[i]);
        if (s->allocs[i].why) {
            fputs(" (", f);
            plots_html_esc(f, s->allocs[i].why);
            fputs(")", f);
        }
    }
    fprintf(f, ". %s</p>\n", rest);
}

/* Every allocator's figure of a bar chart, one row per trace, folded. */
void plots_report_all(FILE *f, const plots_set *s, int kops_kind)
{
    if (s->npicked >= s->nallocs)
        return;
    fprintf(f, "<details><summary>%s of all %zu allocators, trace by trace</summary>\n"
               "<table>\n<tr><th>trace</th>", kops_kind ? "Kops/s" : "Utilization",
            s->nallocs);
    for (size_t a = 0; a < s->nallocs; a++) {
        fputs("<th>", f);
        plots_html_swatch(f, &s->allocs[a]);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    for (size_t t = 0; t < s->ntraces; t++) {
        fputs("<tr><td>", f);
        plots_html_esc(f, s->traces[t].name);
        fputs("</td>", f);
        for (size_t a = 0; a < s->nallocs; a++) {
            const plots_row *r = plots_cell(s, t, a);
            if (r && !r->ok) {
                fputs("<td class=\"note\">", f);
                plots_html_esc(f, r->status);
                fputs("</td>", f);
            } else if (kops_kind) {
                plots_html_fig(f, NULL, 1, r ? r->kops : FB_UNDEF, 0);
            } else {
                plots_html_fig(f, "%.1f%%", 100, r ? r->util : FB_UNDEF, 0);
            }
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n</details>\n", f);
}
