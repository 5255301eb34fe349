# benchpair.gp: Google Benchmark's BM_pair results: the time of one
# malloc+free pair against the request size, one line per fit policy.
#
# Where it sits: run by gnuplot.c on a .dat file that charts_bench.c wrote from
# DIR/bench.json. Blocks 0..n-1, one per policy, rows "size ns".
# In: data, n, titles, colors, title, xlabel, ylabel, and common.gp's.

load plotsdir.'/common.gp'

set title title
set xlabel xlabel
set ylabel ylabel
set logscale x 2
set format x "%g"
set format y "%g"
set yrange [0:*]
set grid xtics ytics ls 100
set key outside right top vertical Left reverse samplen 2.5 spacing 1.05 \
    font ",10"

plot for [i=1:n] data index (i - 1) using 1:2 with linespoints lw 1.6 \
         pt (4 + (i - 1) % 10) ps 1 lc rgb word(colors, i) title word(titles, i)
