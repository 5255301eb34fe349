# common.gp: what every fitbench chart shares: the terminal (SVG for the
# report page, PNG for the README), fonts, grid and axis style.
#
# Where it sits: loaded first by each chart script of plots/, which the
# report generator runs (gnuplot.c) as
#   gnuplot -d -e "term='svg'; out='...'; ..." plots/<chart>.gp
# In:  term ('svg' or 'png'), out (file), width, height (pixels).
# Text is never "enhanced": names such as binary2_bal must print as they are.

if (!exists("width"))  width = 900
if (!exists("height")) height = 500

# pngcairo draws smooth lines; a gnuplot built without cairo has only png.
havecairo = strstrt(GPVAL_TERMINALS, "pngcairo") > 0
if (term ne 'png') {
    set terminal svg size width,height font "sans-serif,11" noenhanced \
        background rgb 'white'
}
if (term eq 'png' && havecairo) {
    set terminal pngcairo size width,height font "sans-serif,10" noenhanced \
        background rgb 'white'
}
if (term eq 'png' && !havecairo) {
    set terminal png size width,height font "DejaVuSans,9" noenhanced \
        background rgb 'white'
}
set output out
set encoding utf8

set style line 100 lc rgb '#dadada' lw 0.6
set grid ytics ls 100
set border 3 lc rgb '#505050'
set tics nomirror textcolor rgb '#303030'
set title font ",13"
set datafile missing '?'
set clip two
