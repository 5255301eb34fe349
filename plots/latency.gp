# latency.gp: the latency distribution of one trace: for every allocator,
# the fraction of operations (malloc, realloc and free together) that took
# at most x nanoseconds, on a log x axis.
#
# Where it sits: run by gnuplot.c on a .dat file that charts_trace.c wrote from
# DIR/latency/<trace>__<alloc>.csv. Blocks 0..n-1, one per allocator, rows
# "ns fraction" (bucket upper bound, cumulative fraction). A line further
# left is faster; the dashed lines mark the 99th and 99.9th percentiles,
# where allocators differ most.
# In: data, n, titles, colors, pis (point interval per line), title,
#     xlabel, ylabel, and common.gp's.

load plotsdir.'/common.gp'

set title title
set xlabel xlabel
set ylabel ylabel
set logscale x
set format x "%.0s%c"
set format y "%g"
set yrange [0:1.02]
set ytics 0, 0.1, 1
set grid xtics ytics ls 100
set arrow 1 from graph 0, first 0.99 to graph 1, first 0.99 nohead dt 3 lc rgb '#808080'
set arrow 2 from graph 0, first 0.999 to graph 1, first 0.999 nohead dt 2 lc rgb '#b0b0b0'
set label 1 "p99" at graph 0.995, first 0.975 right font ",9" textcolor rgb '#606060'
set key outside right top vertical Left reverse samplen 2.5 spacing 1.05 \
    font ",10"

# Steps for the distribution; sparse points of a shape per allocator, so
# lines of close colours can still be told apart.
plot for [i=1:n] data index (i - 1) using 1:2 with steps lw 1.6 \
         lc rgb word(colors, i) notitle, \
     for [i=1:n] data index (i - 1) every int(word(pis, i)) using 1:2 with points \
         pt (4 + (i - 1) % 10) ps 0.8 lc rgb word(colors, i) notitle, \
     for [i=1:n] keyentry with linespoints lw 1.6 pt (4 + (i - 1) % 10) ps 0.8 \
         lc rgb word(colors, i) title word(titles, i)
