package sink

import (
	"fmt"
	"regexp"

	"readiness/pipeline"
)

// labels holds every text of the workbook in one language. Codes (reject
// reasons, warnings, flags, events, statuses) not in codes show as the
// code itself, so a new code never breaks the report.
type labels struct {
	lang     string // BCP 47, for the document properties
	dateFmt  string // number format of date cells
	thousand string // thousands separator in text

	sheetSummary, sheetPrint, sheetRecording, sheetDeceased string
	sheetMoves, sheetReview, sheetRejected, sheetAllocation string

	title, asOf, election, printDays, summaryNote string
	chartTitle, footer, none, truncated           string
	readyChartTitle, target                       string

	summaryCols map[string]string // SummaryColumns → header

	nik, name, birth, region, kecamatan, kelurahan, address         string
	cardEvent, events, firstReq, lastReq, lastPrint, notes          string
	deathDate, origin, dest, destCode, moveKind, status, flagCodes  string
	sources, file, sheet, row, reason, reasonText, detail, original string
	rowWord, originUnknown, withinProvince, outsideProvince         string

	printOrder, tier, blank, regionCode                             string
	allocTitle, allocNote, bufferInHand, bufferGiven, allocReason   string
	deliveryLine, allocNeed, fromStock, fromBuffer, fromDelivery    string
	unmet, unmetDelivered, whatIfTitle, printableNow, printableWith string
	pctNow, pctWith, tooLateLine, surplusLine                       string
	reasonNoNeed, reasonOwnStock, reasonBuffer, reasonCapacity      string
	reasonNoBuffer, reasonBufferOut, reasonProvince                 string

	listDateFmt, cutMark, outsideMark, outsideNote, docDescription string

	// details renders the detail of a reject (English, as validate writes
	// it into exceptions.csv) in the workbook's language; nil keeps it.
	details []detailRule

	// The Ganda sheet (report_ganda.go).
	sheetGanda, gandaScore, nikA, nikB, nameA, nameB, birthA, birthB string
	regionA, regionB, gandaDetail, gandaDecision, gandaNote          string
	agreeName, agreeBirth, agreePlace, agreeSex, agreeMother         string
	agreeNKK, agreeYes, agreeNo, agreeMissing, agreeSwapped          string
	birthSwapped, nkkDiffers, deceasedA, deceasedB, emptyValue       string

	codes map[string]string
}

// detailRule translates one shape of reject detail: a pattern over the
// English text and the template of the translation, whose %s take the
// pattern's groups in order (each translated again, so that composed
// details translate part by part).
type detailRule struct {
	re       *regexp.Regexp
	template string
}

// detail renders a reject detail in the workbook's language; a detail of
// no known shape is shown as it is.
func (l *labels) renderDetail(s string) string {
	for _, d := range l.details {
		m := d.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, g := range m[1:] {
			if g == s {
				args[i] = g
				continue
			}
			args[i] = l.renderDetail(g)
		}
		return fmt.Sprintf(d.template, args...)
	}
	return s
}

// rule compiles a detail rule; the pattern is anchored.
func rule(pattern, template string) detailRule {
	return detailRule{re: regexp.MustCompile("^(?:" + pattern + ")$"), template: template}
}

// detailsID are the Indonesian renderings of validate's details
// (transforms/validate.go); a test checks that every reject of the
// fixtures is translated.
var detailsID = []detailRule{
	rule(`(\w+) is empty \(the row has a formula cell without a saved value, maybe this one: recalculate and save the workbook\)`,
		"%s kosong (baris ini memuat sel rumus tanpa nilai tersimpan, mungkin sel ini: hitung ulang lalu simpan buku kerja)"),
	rule(`(\w+) is empty`, "%s kosong"),
	rule(`nik is in scientific notation \(like 1\.77E\+15\): the digits after the 15th are lost`,
		"NIK dalam notasi ilmiah (seperti 1.77E+15): digit sesudah digit ke-15 hilang"),
	rule(`nik came from a numeric cell with (\d+) significant digits, want 16`,
		"NIK berasal dari sel angka dengan %s digit bermakna, seharusnya 16"),
	rule(`nik came from a numeric cell and ends in 0: Excel keeps 15 significant digits, so the last one was probably lost`,
		"NIK berasal dari sel angka dan berakhir 0: Excel hanya menyimpan 15 digit bermakna, jadi digit terakhir kemungkinan hilang"),
	rule(`nik has (\d+) digits, want 16`, "NIK berisi %s digit, seharusnya 16"),
	rule(`nik has (\d+) characters, want 16`, "NIK berisi %s karakter, seharusnya 16"),
	rule(`nik has a character other than a digit at position (\d+)`, "NIK memuat karakter bukan angka di posisi %s"),
	rule(`nik digits 1-2 are not a province code of the national list`, "Digit 1–2 NIK bukan kode provinsi dalam daftar nasional"),
	rule(`nik digits 7-12 are not a possible birth date \(DDMMYY, day \+ 40 for women\)`,
		"Digit 7–12 NIK bukan tanggal lahir yang mungkin (DDMMYY, tanggal + 40 untuk perempuan)"),
	rule(`nik serial \(digits 13-16\) is 0000`, "Nomor urut NIK (digit 13–16) 0000"),
	rule(`nama holds nothing but titles and punctuation`, "Nama hanya berisi gelar dan tanda baca"),
	rule(`jenis_perubahan text not recognised: (.*)`, "Teks jenis_perubahan tidak dikenali: %s"),
	rule(`(.*) and neither the sheet name nor the file name names a regency of the province`,
		"%s, dan nama sheet maupun nama file tidak menyebut kabupaten/kota provinsi ini"),
	rule(`kabupaten_kota (.*) is not one regency of the province, and neither the sheet name nor the file name names a regency of the province`,
		"kabupaten_kota %s bukan satu kabupaten/kota provinsi ini, dan nama sheet maupun nama file tidak menyebutnya"),
}

func labelsFor(lang string) *labels {
	if lang == "en" {
		return &labelsEN
	}
	return &labelsID
}

// code returns the human text of a code, or the code itself ("" for
// none, without a look-up: a list row asks for the labels of its empty
// cells too).
func (l *labels) code(c string) string {
	if c == "" {
		return ""
	}
	if t, ok := l.codes[c]; ok {
		return t
	}
	return c
}

var labelsID = labels{
	lang:           "id-ID",
	listDateFmt:    "dd-mm-yyyy",
	cutMark:        "…[dipotong]",
	outsideMark:    "(luar provinsi)",
	outsideNote:    "Termasuk %s penduduk yang pindah ke luar provinsi: mereka ada di daftar ini tetapi tidak dihitung di ringkasan provinsi.",
	docDescription: "Laporan per %s, dibuat %s oleh readiness.",
	details:        detailsID,
	dateFmt:        `[$-421]d mmmm yyyy`,
	thousand:       ".",

	sheetSummary:    "Ringkasan",
	sheetPrint:      "Cetak KTP",
	sheetRecording:  "Perekaman",
	sheetDeceased:   "Meninggal",
	sheetMoves:      "Pindah",
	sheetReview:     "Tinjauan",
	sheetRejected:   "Ditolak",
	sheetAllocation: "Alokasi",

	title:           "Kesiapan KTP-el Pemilih Menjelang Pilkada",
	asOf:            "Data per tanggal",
	election:        "Hari pemungutan suara",
	printDays:       "Hari kerja cetak tersisa",
	summaryNote:     "Proyeksi siap = (siap + dapat dicetak s.d. hari-H) / memenuhi syarat. Baris terakhir: total provinsi.",
	chartTitle:      "Kebutuhan blangko, stok dan alokasi buffer per kabupaten/kota",
	readyChartTitle: "Proyeksi siap per kabupaten/kota (%) terhadap target 100 %",
	target:          "Target siap (%)",
	footer:          "&L&A&RHalaman &P dari &N",
	none:            "(tidak ada)",
	truncated:       "%s baris lain tidak ditampilkan (batas Excel); lihat persons.parquet atau exceptions.csv.",

	summaryCols: map[string]string{
		"region_code":           "Kode",
		"region_name":           "Kabupaten/Kota",
		"rows_in":               "Baris masuk",
		"rows_rejected":         "Baris ditolak",
		"duplicate_rows":        "Baris ganda",
		"persons":               "Penduduk",
		"deceased":              "Meninggal",
		"ineligible":            "Belum wajib KTP",
		"needs_recording":       "Perlu rekam",
		"needs_print":           "Perlu cetak",
		"ready":                 "Siap",
		"eligible":              "Memenuhi syarat",
		"moved_in":              "Pindah masuk",
		"moved_out":             "Pindah keluar",
		"blanks_needed":         "Kebutuhan blangko",
		"stock":                 "Stok blangko",
		"allocation":            "Alokasi buffer",
		"shortfall":             "Kekurangan blangko",
		"printable_by_election": "Dapat dicetak s.d. hari-H",
		"projected_ready_pct":   "Proyeksi siap (%)",
	},

	nik:             "NIK",
	name:            "Nama",
	birth:           "Tanggal lahir",
	region:          "Kabupaten/Kota",
	kecamatan:       "Kecamatan",
	kelurahan:       "Kelurahan/Desa",
	address:         "Alamat",
	cardEvent:       "Permohonan",
	events:          "Semua permohonan",
	firstReq:        "Pengajuan pertama",
	lastReq:         "Pengajuan terakhir",
	lastPrint:       "Cetak terakhir",
	notes:           "Catatan",
	deathDate:       "Tanggal meninggal",
	origin:          "Asal",
	dest:            "Tujuan",
	destCode:        "Kode tujuan",
	moveKind:        "Jenis pindah",
	status:          "Status",
	flagCodes:       "Kode tanda",
	sources:         "Sumber (berkas, sheet, baris)",
	file:            "Berkas",
	sheet:           "Sheet",
	row:             "Baris",
	reason:          "Kode alasan",
	reasonText:      "Alasan",
	detail:          "Rincian",
	original:        "Data asli (kolom: isi)",
	rowWord:         "baris",
	originUnknown:   "(tidak diketahui)",
	withinProvince:  "Antar kabupaten/kota",
	outsideProvince: "Ke luar provinsi",

	printOrder:      "Urutan cetak",
	tier:            "Tier",
	blank:           "Blangko",
	regionCode:      "Kode",
	allocTitle:      "Alokasi blangko per kabupaten/kota dan tier prioritas",
	allocNote:       "Tidak ada yang memerlukan blangko.",
	bufferInHand:    "Buffer provinsi di tangan",
	bufferGiven:     "Dibagikan ke kabupaten/kota",
	deliveryLine:    "Kiriman %s blangko (skenario), tiba",
	allocReason:     "Keterangan",
	allocNeed:       "Kebutuhan blangko",
	fromStock:       "Dari stok sendiri",
	fromBuffer:      "Dari buffer provinsi",
	fromDelivery:    "Dari kiriman (skenario)",
	unmet:           "Belum terlayani",
	unmetDelivered:  "Belum terlayani jika kiriman tiba",
	whatIfTitle:     "Bagaimana jika kiriman tiba: proyeksi per kabupaten/kota",
	printableNow:    "Dapat dicetak (blangko di tangan)",
	printableWith:   "Dapat dicetak dengan kiriman",
	pctNow:          "Proyeksi siap (%)",
	pctWith:         "Proyeksi siap dengan kiriman (%)",
	tooLateLine:     "Blangko kiriman yang tiba terlambat untuk dicetak sebelum hari-H: %s",
	surplusLine:     "Blangko kiriman melebihi seluruh kebutuhan: %s",
	reasonNoNeed:    "Tidak ada kebutuhan blangko",
	reasonOwnStock:  "Stok sendiri cukup",
	reasonBuffer:    "Dipenuhi dari buffer provinsi",
	reasonCapacity:  "Dibatasi kapasitas cetak: %s tidak sempat dicetak sebelum hari-H",
	reasonNoBuffer:  "Tidak ada buffer provinsi di tangan",
	reasonBufferOut: "Buffer habis di tier %d: %s belum terlayani",
	reasonProvince:  "Buffer provinsi ke tier ini: %s blangko",

	sheetGanda:    "Ganda",
	gandaScore:    "Skor",
	nikA:          "NIK A",
	nikB:          "NIK B",
	nameA:         "Nama A",
	nameB:         "Nama B",
	birthA:        "Tanggal lahir A",
	birthB:        "Tanggal lahir B",
	regionA:       "Kab/Kota A",
	regionB:       "Kab/Kota B",
	gandaDetail:   "Perbedaan",
	gandaDecision: "Keputusan",
	gandaNote:     "Calon ganda (K3, NIK berbeda, kemungkinan orang yang sama): %s pasang, lihat sheet Ganda. Tidak digabung; angka di atas tidak berubah.",
	agreeName:     "Nama",
	agreeBirth:    "Tgl lahir",
	agreePlace:    "Tempat lahir",
	agreeSex:      "Jenis kelamin",
	agreeMother:   "Ibu kandung",
	agreeNKK:      "NKK",
	agreeYes:      "sama",
	agreeNo:       "beda",
	agreeMissing:  "kosong",
	agreeSwapped:  "tertukar",
	birthSwapped:  "hari dan bulan lahir tertukar",
	nkkDiffers:    "NKK berbeda",
	deceasedA:     "A meninggal",
	deceasedB:     "B meninggal",
	emptyValue:    "(kosong)",

	codes: map[string]string{
		pipeline.BlankStock:             "Stok sendiri",
		pipeline.BlankBuffer:            "Buffer provinsi",
		pipeline.BlankDelivery:          "Kiriman",
		pipeline.ReasonNIKMissing:       "NIK kosong",
		pipeline.ReasonNIKPrecisionLost: "NIK rusak oleh Excel (notasi ilmiah atau digit terakhir hilang)",
		pipeline.ReasonNIKBadLength:     "NIK tidak 16 digit",
		pipeline.ReasonNIKNotDigits:     "NIK mengandung karakter selain angka",
		pipeline.ReasonNIKBadProvince:   "Kode provinsi pada NIK tidak dikenal",
		pipeline.ReasonNIKBadDate:       "Tanggal lahir pada NIK tidak mungkin",
		pipeline.ReasonNIKBadSerial:     "Nomor urut NIK 0000",
		pipeline.ReasonNameMissing:      "Nama kosong",
		pipeline.ReasonEventMissing:     "Jenis perubahan kosong",
		pipeline.ReasonEventUnknown:     "Jenis perubahan tidak dikenal",
		pipeline.ReasonRegionUnknown:    "Kabupaten/kota tidak diketahui",

		pipeline.WarnNIKDOBMismatch:   "Tanggal lahir tidak sesuai NIK",
		pipeline.WarnNIKSexMismatch:   "Jenis kelamin tidak sesuai NIK",
		pipeline.WarnNIKNumericCell:   "NIK diketik sebagai angka",
		pipeline.WarnDateUnparseable:  "Tanggal tidak terbaca",
		pipeline.WarnDistrictUnknown:  "Kode kecamatan pada NIK tidak ada di referensi",
		pipeline.WarnDestUnknown:      "Kabupaten tujuan tidak dikenal",
		pipeline.WarnFormulaNoCache:   "Sel rumus tanpa nilai",
		pipeline.WarnBirthAfterAsOf:   "Tanggal lahir sesudah tanggal data",
		pipeline.WarnBirthBefore1900:  "Tanggal lahir sebelum tahun 1900",
		pipeline.WarnDateAfterAsOf:    "Tanggal sesudah tanggal data",
		pipeline.WarnCellTooLong:      "Isi sel terlalu panjang, dipotong",
		pipeline.WarnExcelLeapDay1900: "Tanggal 29 Februari 1900 (tidak ada)",

		pipeline.FlagNIKConflict:     "NIK sama, orang berbeda (K2)",
		pipeline.FlagEventAfterDeath: "Permohonan sesudah tanggal meninggal",
		pipeline.FlagK3Candidate:     "Kemungkinan ganda dengan NIK lain (K3)",

		pipeline.EventMati:     "Meninggal",
		pipeline.EventPindah:   "Pindah",
		pipeline.EventKawin:    "Kawin",
		pipeline.EventCerai:    "Cerai",
		pipeline.EventUbahData: "Perubahan data",
		pipeline.EventRusak:    "KTP rusak",
		pipeline.EventHilang:   "KTP hilang",
		pipeline.EventSuket:    "Tukar suket",
		pipeline.EventRekam:    "Perekaman",

		pipeline.StatusDeceased:       "Meninggal",
		pipeline.StatusIneligible:     "Belum wajib KTP",
		pipeline.StatusNeedsRecording: "Perlu rekam",
		pipeline.StatusNeedsPrint:     "Perlu cetak",
		pipeline.StatusReady:          "Siap",
	},
}

var labelsEN = labels{
	lang:           "en-US",
	listDateFmt:    "d mmm yyyy",
	cutMark:        "…[cut]",
	outsideMark:    "(outside the province)",
	outsideNote:    "Includes %s residents who moved out of the province: they are on this list but not counted in the province's summary.",
	docDescription: "Report as of %s, made %s by readiness.",
	dateFmt:        `d mmm yyyy`,
	thousand:       ",",

	sheetSummary:    "Summary",
	sheetPrint:      "Print cards",
	sheetRecording:  "Recording",
	sheetDeceased:   "Deceased",
	sheetMoves:      "Transfers",
	sheetReview:     "Review",
	sheetRejected:   "Rejected",
	sheetAllocation: "Allocation",

	title:           "Voter e-ID Card Readiness Before the Regional Election",
	asOf:            "Data as of",
	election:        "Election day",
	printDays:       "Working days left to print",
	summaryNote:     "Projected ready = (ready + printable by election day) / eligible. Last row: province total.",
	chartTitle:      "Blanks needed, stock and buffer allocation per regency/city",
	readyChartTitle: "Projected readiness per regency/city (%) against the 100 % target",
	target:          "Target ready (%)",
	footer:          "&L&A&RPage &P of &N",
	none:            "(none)",
	truncated:       "%s more rows not shown (Excel's limit); see persons.parquet or exceptions.csv.",

	summaryCols: map[string]string{
		"region_code":           "Code",
		"region_name":           "Regency/City",
		"rows_in":               "Rows in",
		"rows_rejected":         "Rows rejected",
		"duplicate_rows":        "Duplicate rows",
		"persons":               "Persons",
		"deceased":              "Deceased",
		"ineligible":            "Ineligible (under 17)",
		"needs_recording":       "Needs recording",
		"needs_print":           "Needs print",
		"ready":                 "Ready",
		"eligible":              "Eligible",
		"moved_in":              "Moved in",
		"moved_out":             "Moved out",
		"blanks_needed":         "Blanks needed",
		"stock":                 "Blank stock",
		"allocation":            "Buffer allocation",
		"shortfall":             "Shortfall",
		"printable_by_election": "Printable by election day",
		"projected_ready_pct":   "Projected ready (%)",
	},

	nik:             "NIK",
	name:            "Name",
	birth:           "Date of birth",
	region:          "Regency/City",
	kecamatan:       "District",
	kelurahan:       "Village",
	address:         "Address",
	cardEvent:       "Request",
	events:          "All requests",
	firstReq:        "First request",
	lastReq:         "Last request",
	lastPrint:       "Last printed",
	notes:           "Notes",
	deathDate:       "Date of death",
	origin:          "From",
	dest:            "To",
	destCode:        "Destination code",
	moveKind:        "Kind of move",
	status:          "Status",
	flagCodes:       "Flag codes",
	sources:         "Sources (file, sheet, row)",
	file:            "File",
	sheet:           "Sheet",
	row:             "Row",
	reason:          "Reason code",
	reasonText:      "Reason",
	detail:          "Detail",
	original:        "Original cells (header: value)",
	rowWord:         "row",
	originUnknown:   "(unknown)",
	withinProvince:  "Between regencies",
	outsideProvince: "Out of the province",

	printOrder:      "Print order",
	tier:            "Tier",
	blank:           "Blank",
	regionCode:      "Code",
	allocTitle:      "Blank allocation per regency/city and priority tier",
	allocNote:       "Nobody needs a blank.",
	bufferInHand:    "Provincial buffer in hand",
	bufferGiven:     "Given to regencies/cities",
	deliveryLine:    "Delivery of %s blanks (scenario), arriving",
	allocReason:     "Why",
	allocNeed:       "Blanks needed",
	fromStock:       "From own stock",
	fromBuffer:      "From the provincial buffer",
	fromDelivery:    "From the delivery (scenario)",
	unmet:           "Not served",
	unmetDelivered:  "Not served if the delivery arrives",
	whatIfTitle:     "What if the delivery arrives: projection per regency/city",
	printableNow:    "Printable (blanks in hand)",
	printableWith:   "Printable with the delivery",
	pctNow:          "Projected ready (%)",
	pctWith:         "Projected ready with the delivery (%)",
	tooLateLine:     "Delivered blanks arriving too late to print before election day: %s",
	surplusLine:     "Delivered blanks beyond every need: %s",
	reasonNoNeed:    "No blanks needed",
	reasonOwnStock:  "Own stock covers the need",
	reasonBuffer:    "Covered by the provincial buffer",
	reasonCapacity:  "Capped by print capacity: %s cannot be printed before election day",
	reasonNoBuffer:  "No provincial buffer in hand",
	reasonBufferOut: "Buffer ran out in tier %d: %s not served",
	reasonProvince:  "Provincial buffer to this tier: %s blanks",

	sheetGanda:    "Ganda",
	gandaScore:    "Score",
	nikA:          "NIK A",
	nikB:          "NIK B",
	nameA:         "Name A",
	nameB:         "Name B",
	birthA:        "Date of birth A",
	birthB:        "Date of birth B",
	regionA:       "Regency/City A",
	regionB:       "Regency/City B",
	gandaDetail:   "Differences",
	gandaDecision: "Decision",
	gandaNote:     "Probable duplicates (K3, two NIKs, probably one person): %s pairs, see sheet Ganda. Not merged; the figures above do not change.",
	agreeName:     "Name",
	agreeBirth:    "Birth date",
	agreePlace:    "Birthplace",
	agreeSex:      "Sex",
	agreeMother:   "Mother",
	agreeNKK:      "NKK",
	agreeYes:      "agree",
	agreeNo:       "differ",
	agreeMissing:  "missing",
	agreeSwapped:  "swapped",
	birthSwapped:  "day and month of birth swapped",
	nkkDiffers:    "NKK differs",
	deceasedA:     "A deceased",
	deceasedB:     "B deceased",
	emptyValue:    "(empty)",

	codes: map[string]string{
		pipeline.BlankStock:             "Own stock",
		pipeline.BlankBuffer:            "Provincial buffer",
		pipeline.BlankDelivery:          "Delivery",
		pipeline.ReasonNIKMissing:       "NIK missing",
		pipeline.ReasonNIKPrecisionLost: "NIK damaged by Excel (scientific notation or last digit lost)",
		pipeline.ReasonNIKBadLength:     "NIK is not 16 digits",
		pipeline.ReasonNIKNotDigits:     "NIK holds characters other than digits",
		pipeline.ReasonNIKBadProvince:   "Unknown province code in NIK",
		pipeline.ReasonNIKBadDate:       "Impossible birth date in NIK",
		pipeline.ReasonNIKBadSerial:     "NIK serial 0000",
		pipeline.ReasonNameMissing:      "Name missing",
		pipeline.ReasonEventMissing:     "Request type missing",
		pipeline.ReasonEventUnknown:     "Unknown request type",
		pipeline.ReasonRegionUnknown:    "Regency/city unknown",

		pipeline.WarnNIKDOBMismatch:   "Birth date disagrees with NIK",
		pipeline.WarnNIKSexMismatch:   "Sex disagrees with NIK",
		pipeline.WarnNIKNumericCell:   "NIK typed as a number",
		pipeline.WarnDateUnparseable:  "Unreadable date",
		pipeline.WarnDistrictUnknown:  "NIK district code not in the reference",
		pipeline.WarnDestUnknown:      "Unknown destination regency",
		pipeline.WarnFormulaNoCache:   "Formula cell without a value",
		pipeline.WarnBirthAfterAsOf:   "Birth date after the data date",
		pipeline.WarnBirthBefore1900:  "Birth date before 1900",
		pipeline.WarnDateAfterAsOf:    "Date after the data date",
		pipeline.WarnCellTooLong:      "Cell text too long, cut",
		pipeline.WarnExcelLeapDay1900: "29 February 1900 (does not exist)",

		pipeline.FlagNIKConflict:     "Same NIK, different people (K2)",
		pipeline.FlagEventAfterDeath: "Request after the date of death",
		pipeline.FlagK3Candidate:     "Probable duplicate of another NIK (K3)",

		pipeline.EventMati:     "Death",
		pipeline.EventPindah:   "Move",
		pipeline.EventKawin:    "Marriage",
		pipeline.EventCerai:    "Divorce",
		pipeline.EventUbahData: "Data change",
		pipeline.EventRusak:    "Damaged card",
		pipeline.EventHilang:   "Lost card",
		pipeline.EventSuket:    "Certificate exchange",
		pipeline.EventRekam:    "Recording",

		pipeline.StatusDeceased:       "Deceased",
		pipeline.StatusIneligible:     "Ineligible",
		pipeline.StatusNeedsRecording: "Needs recording",
		pipeline.StatusNeedsPrint:     "Needs print",
		pipeline.StatusReady:          "Ready",
	},
}
