package sink

import "readiness/pipeline"

// historyLabels are the texts of the two history sheets ("Sejak run
// terakhir", "Tren"), kept apart from labels so the sheets stay in their
// own files.
type historyLabels struct {
	sheetDeltas, sheetTrend string

	deltasTitle, asOf, comparedWith, noPrior, regionCode, region string
	alarmTitle, nik, name, prevStatus, cardEvent, lastRequest    string
	sources, none, kindsTitle, totalNote                         string
	changes, explain                                             map[string]string // pipeline.Changes → header, explanation

	trendTitle, election, trendNote, runDate, blanksNeeded, ready string
	pct, line, gap, electionDay, provinceTitle, regionsTitle      string
	chartTitle, behindNote                                        string // chartTitle: a format of the subject's name
}

func historyLabelsFor(lang string) *historyLabels {
	if lang == "en" {
		return &historyLabelsEN
	}
	return &historyLabelsID
}

// hl returns the history sheets' labels in the workbook's language.
func (r *Report) hl() *historyLabels { return historyLabelsFor(r.info.Lang) }

var historyLabelsID = historyLabels{
	sheetDeltas: "Sejak run terakhir",
	sheetTrend:  "Tren",

	deltasTitle:  "Perubahan sejak run terakhir",
	asOf:         "Data per tanggal",
	comparedWith: "Dibandingkan dengan run data per",
	noPrior:      "Belum ada run sebelumnya di riwayat (--history): perubahan dihitung mulai run berikutnya.",
	regionCode:   "Kode",
	region:       "Kabupaten/Kota",
	alarmTitle:   "Alarm: permohonan yang hilang dari kiriman tanpa diselesaikan (%s) — tanyakan ke kabupaten/kota pengirim",
	nik:          "NIK",
	name:         "Nama",
	prevStatus:   "Status di run sebelumnya",
	cardEvent:    "Permohonan",
	lastRequest:  "Pengajuan terakhir",
	sources:      "Baris di run sebelumnya (berkas, sheet, baris)",
	none:         "(tidak ada)",
	kindsTitle:   "Arti setiap kolom (satu baris deltas.csv per penduduk dan perubahan):",
	totalNote:    "Baris total provinsi menghitung semua baris deltas.csv, termasuk penduduk yang pindah ke luar provinsi.",
	changes: map[string]string{
		pipeline.ChangeNewRequest: "Permohonan baru",
		pipeline.ChangePrinted:    "Dicetak / diserahkan",
		pipeline.ChangeRecorded:   "Sudah direkam",
		pipeline.ChangeDeceased:   "Meninggal",
		pipeline.ChangeMoved:      "Pindah",
		pipeline.ChangeTier:       "Tier berubah",
		pipeline.ChangeBlank:      "Blangko berubah",
		pipeline.ChangeVanished:   "Hilang dari kiriman (alarm)",
	},
	explain: map[string]string{
		pipeline.ChangeNewRequest: "penduduk baru di kiriman, atau yang tadinya tidak memerlukan blangko (siap, belum wajib KTP) dan kini memerlukan",
		pipeline.ChangePrinted:    "tanggal cetak terakhir lebih baru: sebuah permohonan dicetak atau diserahkan",
		pipeline.ChangeRecorded:   "tadinya perlu rekam, kini sudah direkam (perlu cetak atau siap)",
		pipeline.ChangeDeceased:   "kini tercatat meninggal",
		pipeline.ChangeMoved:      "kabupaten/kota saat ini berubah (dihitung di kabupaten/kota tujuan)",
		pipeline.ChangeTier:       "tier prioritas berubah, pada penduduk yang memerlukan blangko di kedua run",
		pipeline.ChangeBlank:      "sumber blangko (stok sendiri, buffer provinsi, belum ada) berubah, pada penduduk yang memerlukan blangko di kedua run",
		pipeline.ChangeVanished:   "tadinya perlu cetak atau perlu rekam, kini tidak ada di kiriman mana pun: periksa kiriman kabupaten/kota itu",
	},

	trendTitle:    "Tren kesiapan per tanggal data",
	election:      "Hari pemungutan suara",
	trendNote:     "Garis: lurus dari proyeksi siap run pertama ke 100 % pada hari-H. Baris merah: proyeksi di bawah garisnya (tertinggal).",
	runDate:       "Tanggal data",
	blanksNeeded:  "Kebutuhan blangko",
	ready:         "Siap",
	pct:           "Proyeksi siap (%)",
	line:          "Garis ke 100 % (%)",
	gap:           "Selisih dari garis (poin)",
	electionDay:   "hari-H",
	provinceTitle: "%s: data grafik",
	regionsTitle:  "Per kabupaten/kota, tanggal terbaru lebih dulu",
	chartTitle:    "Proyeksi siap %s per tanggal data terhadap garis ke 100 %% pada hari-H",
	behindNote:    "Tertinggal dari garisnya pada data terbaru: %s.",
}

var historyLabelsEN = historyLabels{
	sheetDeltas: "Since the last run",
	sheetTrend:  "Trend",

	deltasTitle:  "Changes since the last run",
	asOf:         "Data as of",
	comparedWith: "Compared with the run of data as of",
	noPrior:      "No earlier run in the history (--history) yet: changes are counted from the next run on.",
	regionCode:   "Code",
	region:       "Regency/City",
	alarmTitle:   "Alarm: requests that disappeared from the submissions unresolved (%s) — ask the regency that sent them",
	nik:          "NIK",
	name:         "Name",
	prevStatus:   "Status in the last run",
	cardEvent:    "Request",
	lastRequest:  "Last request",
	sources:      "Rows in the last run (file, sheet, row)",
	none:         "(none)",
	kindsTitle:   "What each column counts (one row of deltas.csv per person and change):",
	totalNote:    "The province total counts every row of deltas.csv, residents who moved out of the province included.",
	changes: map[string]string{
		pipeline.ChangeNewRequest: "New requests",
		pipeline.ChangePrinted:    "Printed / handed over",
		pipeline.ChangeRecorded:   "Recorded",
		pipeline.ChangeDeceased:   "Deceased",
		pipeline.ChangeMoved:      "Moved",
		pipeline.ChangeTier:       "Tier changed",
		pipeline.ChangeBlank:      "Blank changed",
		pipeline.ChangeVanished:   "Vanished from the submissions (alarm)",
	},
	explain: map[string]string{
		pipeline.ChangeNewRequest: "a resident new in the submissions, or one who needed no blank (ready, under 17) and needs one now",
		pipeline.ChangePrinted:    "a later last print date: a request was printed or handed over",
		pipeline.ChangeRecorded:   "needed recording, now recorded (needs print or ready)",
		pipeline.ChangeDeceased:   "now recorded as deceased",
		pipeline.ChangeMoved:      "the current regency changed (counted at the destination)",
		pipeline.ChangeTier:       "the priority tier changed, for a resident who needs a blank in both runs",
		pipeline.ChangeBlank:      "the blank's source (own stock, provincial buffer, none yet) changed, for a resident who needs a blank in both runs",
		pipeline.ChangeVanished:   "needed a print or recording, now in no submission: check that regency's submissions",
	},

	trendTitle:    "Readiness trend per run date",
	election:      "Election day",
	trendNote:     "Line: straight from the first run's projected readiness to 100 % on election day. Red rows: projected below their line (behind).",
	runDate:       "Data as of",
	blanksNeeded:  "Blanks needed",
	ready:         "Ready",
	pct:           "Projected ready (%)",
	line:          "Line to 100 % (%)",
	gap:           "Against the line (points)",
	electionDay:   "election day",
	provinceTitle: "%s: chart data",
	regionsTitle:  "Per regency/city, newest date first",
	chartTitle:    "Projected readiness of %s per run date against the line to 100 %% on election day",
	behindNote:    "Behind their line in the latest data: %s.",
}
