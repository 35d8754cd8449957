package main

// The input files of the reference scenario: what each looks like. The
// table is in input order (paths in byte order, then sheets in workbook
// order), which expect.go relies on and checks.

type fileKind int

const (
	csvFile fileKind = iota
	xlsxFile
)

// regionForm is how a sheet writes kabupaten_kota.
type regionForm int

const (
	rcNone  regionForm = iota // no kabupaten_kota column
	rcCode                    // "1771"
	rcName                    // the reference name, in the sheet's case
	rcMixed                   // code or name, per row
)

// dateForm is how a date cell is written.
type dateForm int

const (
	dSerial dateForm = iota // xlsx numeric cell with a date number format
	dSlash                  // 30/06/2020
	dISO                    // 2020-06-30
	dDash                   // 30-06-2020
	dLong                   // 30 Juni 2020
	dShort                  // 30 Jun 2020
)

// style is how a sheet writes its values.
type style struct {
	dates  []dateForm // picked uniformly per cell
	niks   []nikForm  // picked uniformly per row (accepted rows)
	sex    string     // "LP", "full" (LAKI-LAKI/PEREMPUAN) or "num" (1/2)
	titleP float64    // share of names written with a title
	caseP  float64    // share of names written in title or lower case
	upper  bool       // region and place names in upper case, else title case
}

type sheetSpec struct {
	key        string     // unique key used by the planting code
	name       string     // sheet name; "" for CSV
	region     string     // submitting region of its rows ("" = given per row)
	dialect    []col      // header, in column order
	regionCol  regionForm // kabupaten_kota column
	titles     []string   // lines above the header ("" = a blank line)
	blankEvery int        // a blank row after about every n data rows (0 = none)
	trailing   int        // empty rows after the table
	notes      []string   // a sheet without a header: just these lines
	style      style
}

type fileSpec struct {
	path    string // relative to the fixtures folder
	kind    fileKind
	delim   rune   // CSV delimiter
	bom     bool   // CSV starts with a UTF-8 BOM
	cp1252  bool   // CSV encoded in Windows-1252, CRLF line ends
	dateFmt int    // xlsx built-in number format for date serials (0 = custom)
	custom  string // xlsx custom date format
	stream  bool   // xlsx written with excelize's StreamWriter (inline strings)
	about   string // README: how the file is dirty
	sheets  []sheetSpec
}

type file struct {
	spec   fileSpec
	sheets []*sheet
}

type sheet struct {
	file *file
	spec *sheetSpec
	rows []*row
}

// col is a column: canonical name and the file's own header.
type col struct{ canon, header string }

func cols(canon []string, headers ...string) []col {
	cs := make([]col, len(canon))
	for i := range canon {
		cs[i] = col{canon[i], headers[i]}
	}
	return cs
}

// without drops the kabupaten_kota column of a dialect.
func without(cs []col, canon string) []col {
	var out []col
	for _, c := range cs {
		if c.canon != canon {
			out = append(out, c)
		}
	}
	return out
}

var canonOrder = []string{
	"nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
	"status_kawin", "nama_ibu", "alamat", "rt", "rw", "kelurahan", "kecamatan",
	"kabupaten_kota", "jenis_perubahan", "tanggal_pengajuan", "status_layanan",
	"tanggal_layanan", "kabupaten_tujuan",
}

// Header dialects (SPEC §2 alias table; columns without listed aliases use
// their canonical name with other case, spaces or underscores).
var (
	dialectCanonical = cols(canonOrder, canonOrder...)
	dialectSIAK      = cols(canonOrder,
		"NIK", "NO_KK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN",
		"STAT_KWN", "NAMA_LGKP_IBU", "ALAMAT", "RT", "RW", "KELURAHAN", "KECAMATAN",
		"KABUPATEN_KOTA", "JENIS_PERUBAHAN", "TANGGAL_PENGAJUAN", "STATUS_LAYANAN",
		"TANGGAL_LAYANAN", "KABUPATEN_TUJUAN")
	dialectLong = cols(canonOrder,
		"Nomor Induk Kependudukan", "Nomor KK", "Nama Lengkap", "Tempat Lahir", "Tgl. Lahir",
		"Jenis Kelamin", "Status Perkawinan", "Nama Ibu Kandung", "Alamat", "RT", "RW",
		"Kelurahan", "Kecamatan", "Kabupaten Kota", "Jenis Perubahan", "Tanggal Pengajuan",
		"Status Layanan", "Tanggal Layanan", "Kabupaten Tujuan")
	// Short headers, name before NIK, no kabupaten_kota.
	dialectShort = []col{
		{"nama", "NAMA"}, {"nik", "NO_NIK"}, {"nkk", "NKK"}, {"jenis_kelamin", "JK"},
		{"tempat_lahir", "TEMPAT LAHIR"}, {"tanggal_lahir", "Tanggal Lahir"},
		{"status_kawin", "STAT_KWN"}, {"nama_ibu", "Nama Ibu Kandung"}, {"alamat", "ALAMAT"},
		{"rt", "RT"}, {"rw", "RW"}, {"kelurahan", "DESA"}, {"kecamatan", "KEC"},
		{"jenis_perubahan", "JENIS PERUBAHAN"}, {"tanggal_pengajuan", "TANGGAL PENGAJUAN"},
		{"status_layanan", "STATUS LAYANAN"}, {"tanggal_layanan", "TANGGAL LAYANAN"},
		{"kabupaten_tujuan", "KABUPATEN TUJUAN"},
	}
	// L/P, KEL, KEC; no NKK, RT or RW.
	dialectLP = []col{
		{"nik", "NIK"}, {"nama", "NAMA"}, {"jenis_kelamin", "L/P"}, {"tanggal_lahir", "TGL_LHR"},
		{"tempat_lahir", "Tempat Lahir"}, {"status_kawin", "Status Perkawinan"},
		{"nama_ibu", "NAMA_IBU"}, {"alamat", "Alamat"}, {"kelurahan", "KEL"}, {"kecamatan", "KEC"},
		{"jenis_perubahan", "Jenis_Perubahan"}, {"tanggal_pengajuan", "Tanggal_Pengajuan"},
		{"status_layanan", "Status_Layanan"}, {"tanggal_layanan", "Tanggal_Layanan"},
		{"kabupaten_tujuan", "Kabupaten_Tujuan"},
	}
)

func titleLines(office string) []string {
	return []string{"DAFTAR PERUBAHAN DATA KTP-EL", "DISDUKCAPIL " + office, ""}
}

// fileTable lists the input files in input order.
func fileTable() []fileSpec {
	return []fileSpec{
		{
			path: "inputs/1701_bengkulu_selatan.xlsx", kind: xlsxFile, dateFmt: 14,
			about: "SIAK headers (NIK, NAMA_LGKP, TGL_LHR, …); two data sheets; kabupaten_kota as name; title rows and blank rows on sheet Mei; dates mostly Excel serials (built-in format 14)",
			sheets: []sheetSpec{
				{key: "1701/Mei", name: "Mei", region: "1701", dialect: dialectSIAK, regionCol: rcName,
					titles: titleLines("KAB. BENGKULU SELATAN"), blankEvery: 120,
					style: style{dates: []dateForm{dSerial, dSerial, dSerial, dSlash, dISO}, niks: []nikForm{nikPlain, nikPlain, nikPlain, nikApostrophe}, sex: "full", titleP: 0.08, caseP: 0.05, upper: true}},
				{key: "1701/Juni", name: "Juni", region: "1701", dialect: dialectSIAK, regionCol: rcName,
					style: style{dates: []dateForm{dSerial, dSerial, dLong}, niks: []nikForm{nikPlain, nikPlain, nikSpaces}, sex: "full", titleP: 0.08, caseP: 0.05, upper: true}},
			},
		},
		{
			path: "inputs/1702_rejang_lebong.csv", kind: csvFile, delim: ';',
			about: "`;` delimiter; canonical headers; kabupaten_kota as code; NIKs with apostrophes, spaces, dots; text dates in four forms; three empty trailing rows",
			sheets: []sheetSpec{
				{key: "1702", region: "1702", dialect: dialectCanonical, regionCol: rcCode, trailing: 3,
					style: style{dates: []dateForm{dSlash, dDash, dLong, dShort}, niks: []nikForm{nikPlain, nikApostrophe, nikSpaces, nikDots}, sex: "LP", titleP: 0.1, caseP: 0.3, upper: true}},
			},
		},
		{
			path: "inputs/1703_bengkulu_utara.xlsx", kind: xlsxFile, custom: "dd/mm/yyyy",
			about: "long Indonesian headers (Nomor Induk Kependudukan, Nama Lengkap, Tgl. Lahir, …); two title rows and a blank line; kabupaten_kota as title-case name; NIKs in numeric cells; Excel serial dates (custom format dd/mm/yyyy); four empty trailing rows",
			sheets: []sheetSpec{
				{key: "1703", name: "Data", region: "1703", dialect: dialectLong, regionCol: rcName,
					titles: titleLines("KAB. BENGKULU UTARA"), trailing: 4,
					style: style{dates: []dateForm{dSerial, dSerial, dLong, dISO}, niks: []nikForm{nikPlain, nikPlain, nikApostrophe}, sex: "full", titleP: 0.12, caseP: 0.2}},
			},
		},
		{
			path: "inputs/1705_seluma_juni.csv", kind: csvFile, delim: ',', bom: true,
			about: "UTF-8 BOM; no kabupaten_kota column (region from the file name); L/P, KEL, KEC headers, no NKK/RT/RW; three title lines",
			sheets: []sheetSpec{
				{key: "1705", region: "1705", dialect: dialectLP, regionCol: rcNone, titles: titleLines("KAB. SELUMA"),
					style: style{dates: []dateForm{dISO, dSlash, dShort}, niks: []nikForm{nikPlain, nikApostrophe}, sex: "LP", titleP: 0.1, caseP: 0.1, upper: true}},
			},
		},
		{
			path: "inputs/1706_mukomuko.csv", kind: csvFile, delim: ',', cp1252: true,
			about: "Windows-1252 with CRLF line ends (names with É, addresses with –); SIAK headers; kabupaten_kota as name",
			sheets: []sheetSpec{
				{key: "1706", region: "1706", dialect: dialectSIAK, regionCol: rcName,
					style: style{dates: []dateForm{dDash, dSlash, dLong}, niks: []nikForm{nikPlain, nikPlain, nikDots}, sex: "full", titleP: 0.1, caseP: 0.1, upper: true}},
			},
		},
		{
			path: "inputs/1709_bengkulu_tengah.csv", kind: csvFile, delim: ',',
			about: "canonical headers; kabupaten_kota as code, some cells a bare BENGKULU or empty (region from the file name); blank rows in the middle (empty records and empty lines)",
			sheets: []sheetSpec{
				{key: "1709", region: "1709", dialect: dialectCanonical, regionCol: rcCode, blankEvery: 90,
					style: style{dates: []dateForm{dISO, dSlash, dLong}, niks: []nikForm{nikPlain, nikApostrophe}, sex: "num", titleP: 0.1, caseP: 0.1, upper: true}},
			},
		},
		{
			path: "inputs/1771_kota_bengkulu.xlsx", kind: xlsxFile, custom: "dd-mm-yyyy", stream: true,
			about: "written with the StreamWriter (inline strings); sheets Cetak (canonical headers, title rows, blank rows, kabupaten_kota as code or name, formula cells with cached values) and Suket (long headers); a Catatan sheet with no header",
			sheets: []sheetSpec{
				{key: "1771/Cetak", name: "Cetak", region: "1771", dialect: dialectCanonical, regionCol: rcMixed,
					titles: titleLines("KOTA BENGKULU"), blankEvery: 250, trailing: 2,
					style: style{dates: []dateForm{dSerial, dSerial, dSlash, dLong, dShort}, niks: []nikForm{nikPlain, nikPlain, nikApostrophe, nikSpaces}, sex: "LP", titleP: 0.12, caseP: 0.15, upper: true}},
				{key: "1771/Suket", name: "Suket", region: "1771", dialect: dialectLong, regionCol: rcName,
					style: style{dates: []dateForm{dSerial, dISO}, niks: []nikForm{nikPlain, nikApostrophe}, sex: "full", titleP: 0.1, caseP: 0.2}},
				{key: "1771/Catatan", name: "Catatan", notes: []string{
					"Catatan pengisian:",
					"1. Nomor induk diisi 16 angka, tanpa spasi.",
					"2. Tanggal pengajuan sesuai formulir F-1.01.",
					"3. Sheet Suket berisi penduduk yang masih memegang surat keterangan.",
					"Disusun oleh Bidang Pendaftaran Penduduk, 30 Juni 2020.",
				}},
			},
		},
		{
			path: "inputs/kab-kaur.xlsx", kind: xlsxFile, dateFmt: 14,
			about: "no kabupaten_kota column; region from the file name (kab-kaur); short headers (NO_NIK, JK, DESA, KEC) with NAMA first; sheet named Sheet1",
			sheets: []sheetSpec{
				{key: "1704", name: "Sheet1", region: "1704", dialect: dialectShort, regionCol: rcNone,
					style: style{dates: []dateForm{dISO, dLong, dSerial}, niks: []nikForm{nikPlain, nikApostrophe}, sex: "LP", titleP: 0.1, caseP: 0.1, upper: true}},
			},
		},
		{
			path: "inputs/kiriman-tambahan.csv", kind: csvFile, delim: ',',
			about: "late additions from several regions; kabupaten_kota per row (code or name), empty or a bare BENGKULU on some rows; the file name names no region",
			sheets: []sheetSpec{
				{key: "kiriman", region: "", dialect: dialectCanonical, regionCol: rcMixed,
					style: style{dates: []dateForm{dISO, dSlash}, niks: []nikForm{nikPlain}, sex: "LP", titleP: 0.05, upper: true}},
			},
		},
		{
			path: "inputs/rekap-wilayah-timur.xlsx", kind: xlsxFile, dateFmt: 14,
			about: "no kabupaten_kota column and no region in the file name; the sheet names give the region (1707 LEBONG, KAB. KEPAHIANG)",
			sheets: []sheetSpec{
				{key: "1707", name: "1707 LEBONG", region: "1707", dialect: without(dialectSIAK, "kabupaten_kota"), regionCol: rcNone,
					style: style{dates: []dateForm{dSerial, dSlash}, niks: []nikForm{nikPlain}, sex: "full", titleP: 0.1, caseP: 0.1, upper: true}},
				{key: "1708", name: "KAB. KEPAHIANG", region: "1708", dialect: without(dialectLong, "kabupaten_kota"), regionCol: rcNone,
					style: style{dates: []dateForm{dSerial, dLong, dShort}, niks: []nikForm{nikPlain, nikDots}, sex: "full", titleP: 0.1, caseP: 0.1}},
			},
		},
	}
}
