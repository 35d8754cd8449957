#!/bin/sh
# Regenerates docs/trend.png, the picture of the "Tren" sheet in the README:
# six fortnightly nights of the reference scenario with --history, each with
# 250 more blanks in the provincial buffer than the last and some cards of
# Rejang Lebong and Bengkulu Tengah printed, the last night's workbook
# rendered by LibreOffice. Needs Go, python3, soffice and pdftoppm (make
# clients). Run from the repository: sh docs/trend-picture.sh
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/readiness" ./cmd/readiness
cp -r fixtures/inputs "$work/in"
n=0
for night in 2020-06-30 2020-07-14 2020-07-28 2020-08-11 2020-08-25 2020-09-08; do
	buffer=$((1650 + n * 250))
	sed "s/^17,PROVINSI BENGKULU,1650,0,\$/17,PROVINSI BENGKULU,$buffer,0,/" fixtures/stock.csv >"$work/stock.csv"
	if [ "$n" -gt 0 ]; then
		# Print the next 120 pending requests of each file: status SUDAH CETAK
		# on the night.
		/usr/bin/python3 - "$work/in" "$night" <<'PY'
import csv, io, sys
folder, night = sys.argv[1], sys.argv[2]
y, m, d = night.split("-")
for name, delim in (("1702_rejang_lebong.csv", ";"), ("1709_bengkulu_tengah.csv", ",")):
    path = folder + "/" + name
    rows = list(csv.reader(open(path, newline="", encoding="utf-8"), delimiter=delim))
    head = rows[0]
    state, date = head.index("status_layanan"), head.index("tanggal_layanan")
    done = 0
    for r in rows[1:]:
        if len(r) == len(head) and r[state] == "" and done < 120:
            r[state], r[date] = "SUDAH CETAK", f"{d}-{m}-{y}"
            done += 1
    out = io.StringIO()
    csv.writer(out, delimiter=delim, lineterminator="\n").writerows(rows)
    open(path, "w", encoding="utf-8").write(out.getvalue())
PY
	fi
	"$work/readiness" run --in "$work/in" --stock "$work/stock.csv" --out "$work/out" --history "$work/history" \
		--as-of "$night" --election-date 2020-12-09 --outputs report --quiet 2>/dev/null
	n=$((n + 1))
done
HOME="$work" soffice --headless --norestore --convert-to pdf --outdir "$work" "$work/out/report.xlsx" >/dev/null
pages=$(pdfinfo "$work/report.pdf" | awk '/^Pages:/ { print $2 }')
page=$(for p in $(seq "$pages" -1 1); do
	if pdftotext -f "$p" -l "$p" "$work/report.pdf" - | grep -q "^Tren kesiapan"; then echo "$p"; break; fi
done)
pdftoppm -png -r 110 -x 70 -y 105 -W 1110 -H 360 -f "$page" -l "$page" -singlefile "$work/report.pdf" "$work/trend"
cp "$work/trend.png" docs/trend.png
echo "docs/trend.png: page $page of $pages"
