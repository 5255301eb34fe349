# programs.gp: the real-programs chart of `fitbench programs`: two panels,
# wall time and peak RSS, each relative to glibc (1 = as fast / as small),
# grouped bars, one group per program and one bar per allocator, on a log
# scale (a policy 30 times slower and one 20% faster both stay readable).
#
# Where it sits: run by harness/programs/programs_out.c on DIR/programs.dat,
# written with everything decided: block 0 the time ratios, block 1 the
# RSS ratios, each a header row (program, then the allocators' names, used
# as the legend) and a row per program, '?' for a cell that did not run ok
# (no bar: never read as a ratio).
# In: data, colors (one word per allocator, in column order; optional),
#     title (optional), and common.gp's.

if (!exists("title")) title = "Real programs, relative to glibc"
width = 1000
height = 760
load plotsdir.'/common.gp'

set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 noborder
set boxwidth 0.9
set logscale y
set format y "%g"
# Decade tics alone leave a narrow range (RSS within 0.8-2x) unlabelled.
set ytics (0.1, 0.2, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000)
set key outside right top vertical Left reverse samplen 1 autotitle columnheader
set xtics nomirror scale 0
# The range hugs the data (no jump to the next decade), with room below
# the shortest bar so it still shows, and room above for the tallest.
set autoscale yfix
set offsets 0, 0, graph 0.12, graph 0.08
set datafile missing '?'
bar(i) = exists("colors") && words(colors) >= i - 1 ? word(colors, i - 1) : '#606060'

set multiplot layout 2,1 title title
set title "Wall time / glibc's (hyperfine mean)"
set ylabel "x glibc"
plot for [i=2:*] data index 0 using i:xtic(1) lc rgb bar(i), \
     1 with lines lc rgb '#303030' dt 2 notitle
set title "Peak RSS / glibc's (largest process of the command)"
plot for [i=2:*] data index 1 using i:xtic(1) lc rgb bar(i), \
     1 with lines lc rgb '#303030' dt 2 notitle
unset multiplot
