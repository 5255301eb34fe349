# bars.gp: clustered bars, one cluster per trace and one bar per allocator:
# the utilization chart, the throughput chart (log scale) and the Google
# Benchmark bar charts of the report.
#
# Where it sits: run by gnuplot.c on a .dat file that bars.c wrote from
# results.csv (or bench.json). The C side places every bar, so this script
# only draws: a block per panel (many traces are split in panels, so bars
# stay wide enough to see), rows "x y color mark ticklabel":
#   x, y     bar centre and height (y '?' for a cell that did not run ok)
#   color    0xRRGGBB of the allocator, the same in every chart
#   mark     the status of a cell that did not run ok ("" otherwise), drawn
#            at the foot of its slot so a missing bar is never read as 0
#   ticklabel the trace name on the cluster's middle row, "" elsewhere
#   value    the bar's value as text, drawn above it when values is 1
# In: data, n (bars per cluster), titles, colors (n words each), npanels,
#     xmin, xmax (x range of a panel), ymin, ymax, logy, ylabel, title,
#     rotate (tilt the trace names), maxlen (longest name, in characters),
#     marky (where marks start), values, and common.gp's.

width = 900
keycols = (n < 6) ? n : 6
keyrows = int((n + keycols - 1) / keycols)
title_h = 46
key_h = 22 * keyrows + 8
# Names tilted by 45 degrees need about 5 px down per character.
tick_h = rotate ? 24 + 5 * maxlen : 26
panel_h = (npanels == 1) ? 380 : 250
height = title_h + key_h + npanels * panel_h + 16
load plotsdir.'/common.gp'

px(v) = v / (1.0 * height)
left = 0.09
right = 0.985

set multiplot

# The title and the legend sit in a strip of their own above the panels,
# so the legend never covers a bar.
set lmargin at screen left
set rmargin at screen right
set tmargin at screen 1 - px(title_h)
set bmargin at screen 1 - px(title_h + key_h)
unset border
unset tics
unset grid
set xrange [0:1]
set yrange [0:1]
set title title
set key at screen 0.5, 1 - px(title_h) center top horizontal maxcols keycols \
    samplen 1.6 width 1 spacing 1.1 reverse Left
plot -1 notitle lc rgb 'white', \
     for [i=1:n] keyentry with boxes fs solid 1.0 noborder lc rgb word(colors, i) \
         title word(titles, i)
unset title
unset key

set border 3 lc rgb '#505050'
set tics nomirror
set grid ytics ls 100
unset xtics
set xtics scale 0 nomirror
if (rotate) { set xtics rotate by 45 right } else { set xtics norotate }
set ytics nomirror
set mytics default
if (logy) { set logscale y; set format y "%.0s%c" } else { unset logscale y; set format y "%g" }
set xrange [xmin:xmax]
set yrange [ymin:ymax]
set boxwidth 0.86 absolute
set style fill solid 0.92 noborder

set label 1 ylabel at screen 0.018, px(16 + npanels * panel_h / 2.0) center rotate by 90 \
    font ",11"

do for [p=0:npanels-1] {
    top = 1 - px(title_h + key_h + p * panel_h)
    set tmargin at screen top - px(8)
    set bmargin at screen top - px(panel_h - tick_h)
    plot data index p using 1:2:3 with boxes lc rgb variable notitle, \
         data index p using 1:(marky):4:xtic(5) with labels rotate by 90 left \
             font ",8" textcolor rgb '#b00020' notitle, \
         data index p using 1:2:(values ? stringcolumn(6) : "") with labels \
             offset 0,0.7 font ",9" textcolor rgb '#303030' notitle
    unset label 1
}
unset multiplot
