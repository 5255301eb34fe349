# wordfreq.pl: the Perl workload of the bundled trace suite. Reads text
# files, counts words and word pairs, and prints the most frequent ones
# with a few regex rewrites on the way: hashes, strings and sorting.
use strict;
use warnings;

my (%words, %pairs, $prev);
for my $file (@ARGV) {
    open(my $fh, '<', $file) or die "$file: $!";
    while (my $line = <$fh>) {
        $line = lc $line;
        $line =~ s/[^a-z' ]+/ /g;
        for my $w (split ' ', $line) {
            $words{$w}++;
            $pairs{"$prev $w"}++ if defined $prev;
            $prev = $w;
        }
    }
    close $fh;
}
my @top = (sort { $words{$b} <=> $words{$a} || $a cmp $b } keys %words)[0 .. 49];
my @toppairs = (sort { $pairs{$b} <=> $pairs{$a} || $a cmp $b } keys %pairs)[0 .. 49];
my $report = join("\n", map { sprintf "%-20s %6d", $_, $words{$_} } @top);
$report .= "\n" . join("\n", map { sprintf "%-30s %6d", $_, $pairs{$_} } @toppairs);
print length($report), " ", scalar(keys %words), " ", scalar(keys %pairs), "\n";
