# heapmap.gp: the heap at its footprint peak, as the allocator laid it
# out: used and free blocks along the address range, wrapped into rows
# like the lines of a page (offsets grow left to right, then down).
#
# Where it sits: run by gnuplot.c on a .dat file that charts_trace.c wrote from
# DIR/heapmap/<trace>__<alloc>.csv. Rows "xlo xhi y color": one segment of
# a block within one row, in the unit named in xlabel; y is the row's start
# offset in the same unit. A block that touches one of its own kind gets a
# lighter shade, so that their boundary stays visible.
# In: data, roww (row width), nrows, ystep (offset between labelled rows),
#     title, subtitle (the block counts), xlabel, ylabel, ucolor, fcolor
#     (legend colours), and common.gp's.

load plotsdir.'/common.gp'

set title title."\n".subtitle
set xlabel xlabel
set ylabel ylabel
set xrange [0:roww]
set yrange [(nrows - 0.5) * roww : -0.5 * roww]
set format x "%g"
set format y "%g"
set ytics 0, ystep
set grid noytics noxtics
set border 3
set style fill solid 1.0 noborder
set bmargin 5
set key at screen 0.5, screen 0.015 center bottom horizontal samplen 1.5 font ",10"

plot data using (($1 + $2) / 2):3:1:2:($3 - 0.4 * roww):($3 + 0.4 * roww):4 \
         with boxxyerror lc rgb variable notitle, \
     keyentry with boxes fs solid lc rgb ucolor title 'used block', \
     keyentry with boxes fs solid lc rgb fcolor title 'free block'
