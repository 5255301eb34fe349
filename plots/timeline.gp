# timeline.gp: the fragmentation picture of one trace: the live payload and
# each allocator's footprint along the replay, one line per allocator.
#
# Where it sits: run by gnuplot.c on a .dat file that charts_trace.c wrote from
# DIR/timeline/<trace>__<alloc>.csv. Blocks: 0 is the live payload (the
# same for every allocator: it is the trace's), 1..n the footprints, rows
# "op bytes" already scaled to the unit named in ylabel. The gap between a
# footprint line and the payload line is memory the allocator holds but
# the program does not use.
# In: data, n, titles, colors, pis (point interval per line, so the lines
#     can be told apart where colours are close), logy, ymin (bottom of a
#     log axis), title, xlabel, ylabel, and common.gp's.

load plotsdir.'/common.gp'

set title title
set xlabel xlabel
set ylabel ylabel
set format x "%.0s%c"
set format y "%g"
set grid xtics ytics ls 100
if (logy) { set logscale y; set yrange [ymin:*] } else { set yrange [0:*] }
set xrange [0:*]
set autoscale xfixmax
set key outside right top vertical Left reverse samplen 2.5 spacing 1.05 \
    font ",10"

plot data index 0 using 1:2 with lines lw 3 dt 2 lc rgb '#202020' \
         title 'live payload', \
     for [i=1:n] data index i using 1:2 with linespoints lw 1.6 \
         pt (4 + (i - 1) % 10) ps 0.8 pi int(word(pis, i)) \
         lc rgb word(colors, i) title word(titles, i)
