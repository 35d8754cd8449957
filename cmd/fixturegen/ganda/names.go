package ganda

// Invented Indonesian-style name parts and the places of Bengkulu. No part
// is also a title of SPEC §5 or an abbreviation the rule reads (M, MUH…).
var (
	maleFirst = []string{
		"AHMAD", "BUDI", "RUDI", "AGUS", "HENDRA", "JOKO", "SUPRIADI", "RAHMAT",
		"YUSUF", "ANDI", "FIRMAN", "IRWAN", "DEDI", "SYAHRIAL", "ZULKIFLI", "ARIEF",
		"BAMBANG", "EKO", "FAJAR", "GUNAWAN", "HERMAN", "IMAM", "JUNAIDI", "KURNIAWAN",
		"LUKMAN", "NASRUL", "OKTA", "PANJI", "RIDWAN", "SAPRI", "TAUFIK", "RIZKI",
		"UJANG", "WAHYU", "YOGI", "ZAINAL", "ANTON", "BAYU", "CANDRA", "DARMAWAN",
		"EFENDI", "FERI", "HASAN", "ISMAIL", "JAMALUDIN", "KHAIRUL", "MARZUKI", "NOVRIZAL",
		"RAMLI", "SUHARDI", "TOMMY", "USMAN", "WARDANA", "YANTO", "ADE", "BENNY",
		"SUPARMAN", "SUGIANTO", "HARIYADI", "SLAMET", "SAIFUL", "ROMI", "ILHAM", "HUSNI",
		"ARMAN", "DONI", "GALIH", "HAFIZ", "INDRA", "JEFRI", "KASMAN", "LEO",
		"MULYADI", "NANANG", "PURNOMO", "ROBI", "SAMSUL", "TEGUH", "WAWAN", "YUDI",
	}
	femaleFirst = []string{
		"SITI", "NURHAYATI", "DEWI", "RINA", "YULIANA", "SRI", "WATI", "FITRIANI",
		"ANISA", "LESTARI", "MARLINA", "NOVI", "PUTRI", "RAHMAWATI", "SUSANTI", "TITIN",
		"UMI", "WULAN", "YENI", "ZAHRA", "AMELIA", "BUNGA", "CITRA", "DESI",
		"ELVI", "FEBRIANTI", "GITA", "HARTATI", "INDAH", "JUWITA", "KARTIKA", "LENI",
		"MAYA", "NENG", "OKTAVIA", "PEPI", "RATNA", "SARI", "TRI", "VERA",
		"WINDA", "YUNITA", "ASMAWATI", "BELA", "CICI", "DIAH", "ERNA", "FAUZIAH",
		"HALIMAH", "IRMA", "JULAIHA", "KHOLIJAH", "LINDA", "MARIANI", "NURLELA", "ROSMIATI",
		"SUMIATI", "PARIDAH", "NURHASANAH", "AMINAH", "MURNI", "ROHANA", "SAFRIDA", "TUTI",
		"ELIS", "FATIMAH", "HERLINA", "IDA", "JAMILAH", "KOMALASARI", "LILIS", "MASNAH",
	}
	lastNames = []string{
		"SAPUTRA", "HIDAYAT", "PRATAMA", "SETIAWAN", "WIJAYA", "HARTONO", "SUSILO", "FAUZI",
		"RAHMAN", "HAKIM", "SIREGAR", "NASUTION", "GUMAY", "SERAWAI", "SYAPUTRA", "KURNIA",
		"PERMANA", "SANTOSO", "HARAHAP", "LUBIS", "PURNAMA", "RAMADHAN", "MAULANA", "ANWAR",
		"HUSIN", "JAMIL", "KADIR", "LATIF", "MANSUR", "NAWAWI", "RASYID", "SALEH",
		"TAMRIN", "UMAR", "WAHID", "YASIN", "ZULFIKAR", "ARDIANSYAH", "BAHRI", "DAMANIK",
		"EFFENDI", "FIRDAUS", "GANI", "HALIM", "ISKANDAR", "JUNAEDI", "KASIM", "MAHMUD",
		"NOPRIANSYAH", "OKTAVIANI", "PRASETYO", "RIDHO", "SUDARSO", "TARIGAN", "UTAMA", "WIBOWO",
		"SAPRUDIN", "ALAMSYAH", "HERIYANTO", "SUPRIYADI", "YULIANTO", "SAFARI", "HAMDANI", "JUNAIDI",
		"MUSLIM", "NURDIN", "RUSLI", "SOFYAN", "TASLIM", "WAHYUDI", "ZAKARIA", "ASMARA",
	}
	// commonNames are among the most frequent full names of the region.
	commonNames = []struct {
		name string
		sex  byte
	}{
		{"MUHAMMAD RIZKI", 'L'}, {"SITI AMINAH", 'P'}, {"NURHASANAH", 'P'}, {"AHMAD FAUZI", 'L'},
		{"DEWI LESTARI", 'P'}, {"BUDI SANTOSO", 'L'}, {"SRI WAHYUNI", 'P'}, {"AGUS SETIAWAN", 'L'},
	}
	otherPlaces = []string{
		"BENGKULU", "PALEMBANG", "PADANG", "LUBUK LINGGAU", "JAKARTA", "LAHAT", "BANDAR LAMPUNG",
		"JAMBI", "MEDAN", "PEKANBARU", "BANDUNG", "YOGYAKARTA", "SURABAYA", "MUARA ENIM", "PAGAR ALAM",
	}
)

// regency is a kabupaten/kota of Bengkulu with a few real district codes
// (Kemendagri 2020) and the towns its residents are born in.
type regency struct {
	code      string
	districts []string
	towns     []string
}

var regencies = []regency{
	{"1701", []string{"170104", "170105", "170102"}, []string{"MANNA", "KEDURANG", "SEGINIM"}},
	{"1702", []string{"170209", "170216", "170217"}, []string{"CURUP", "KOTA PADANG", "SINDANG"}},
	{"1703", []string{"170307", "170310", "170312"}, []string{"ARGA MAKMUR", "LAIS", "KETAHUN"}},
	{"1704", []string{"170403", "170405", "170401"}, []string{"BINTUHAN", "KINAL", "TANJUNG KEMUNING"}},
	{"1705", []string{"170501", "170502", "170503"}, []string{"TAIS", "SUKARAJA", "TALO"}},
	{"1706", []string{"170601", "170602", "170603"}, []string{"MUKOMUKO", "IPUH", "LUBUK PINANG"}},
	{"1707", []string{"170701", "170702", "170703"}, []string{"MUARA AMAN", "TUBEI", "LEBONG"}},
	{"1708", []string{"170801", "170802", "170803"}, []string{"KEPAHIANG", "UJAN MAS", "TEBAT KARAI"}},
	{"1709", []string{"170901", "170902", "170903"}, []string{"KARANG TINGGI", "TALANG EMPAT", "PONDOK KELAPA"}},
	{"1771", []string{"177101", "177102", "177103"}, []string{"BENGKULU", "SELEBAR", "GADING CEMPAKA"}},
}
