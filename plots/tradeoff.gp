# tradeoff.gp: the trade-off chart: each allocator's mean utilization
# against its op-weighted throughput, one labelled point per allocator.
#
# Where it sits: run by gnuplot.c on a .dat file that charts_overview.c wrote from
# summary.csv. The C side places the labels (it knows the plot area, which
# is fixed here by lm/rm/bm/tm, and moves a label to whichever side of its
# point overlaps least), so this script only draws. Blocks:
#   0: x y pointtype color      (one row per allocator)
#   1: x y text                 labels written to the right of their point
#   2: x y text                 ... to the left
#   3: x y text                 ... centred above or below
# In: data, xmin, xmax, ymin, ymax, lm, rm, bm, tm (plot area, screen
#     fractions), title, xlabel, ylabel, gtitles and gpts (the allocator
#     groups and their point types, for the legend), and common.gp's.

load plotsdir.'/common.gp'

set lmargin at screen lm
set rmargin at screen rm
set bmargin at screen bm
set tmargin at screen tm
set title title
set xlabel xlabel
set ylabel ylabel
set xrange [xmin:xmax]
set yrange [ymin:ymax]
set logscale y
set format y "%.0s%c"
set grid xtics ytics ls 100
# The legend of point shapes sits below the axis label, away from the data.
set key at screen 0.5, screen 0.015 center bottom horizontal Left reverse \
    samplen 1 width 2 title "group:" 

plot data index 0 using 1:2:3:4 with points pt variable ps 1.6 lw 1.5 \
         lc rgb variable notitle, \
     data index 1 using 1:2:3 with labels left font ",10" notitle, \
     data index 2 using 1:2:3 with labels right font ",10" notitle, \
     data index 3 using 1:2:3 with labels center font ",10" notitle, \
     for [i=1:words(gtitles)] keyentry with points pt int(word(gpts, i)) ps 1.4 \
         lc rgb '#404040' title word(gtitles, i)
