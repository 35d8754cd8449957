package main

import "strings"

// Region reference data copied from ../shared/reference/wilayah-bengkulu-2020.csv
// (Kemendagri codes as published for 2020; source cahyadsn/wilayah, MIT).
// The generator keeps its own copy so the fixtures do not depend on any
// pipeline package.

// region is a kabupaten/kota of the reference scenario with its stock plan.
type region struct {
	code     string // Kemendagri regency code
	name     string // 2020 reference name, official upper-case style
	stock    int    // blanks in hand (stock.csv)
	capacity int    // print capacity per day (stock.csv)
}

const (
	provinceCode = "17"
	provinceName = "BENGKULU"
	bufferStock  = 1650  // provincial buffer in hand
	delivery     = 25000 // requested blanks, not in hand
	deliveryDate = "2020-09-15"
)

// regions lists the ten kabupaten/kota of Bengkulu in code order.
var regions = []region{
	{"1701", "KAB. BENGKULU SELATAN", 150, 40},
	{"1702", "KAB. REJANG LEBONG", 220, 60},
	{"1703", "KAB. BENGKULU UTARA", 180, 50},
	{"1704", "KAB. KAUR", 60, 20},
	{"1705", "KAB. SELUMA", 120, 35},
	{"1706", "KAB. MUKO MUKO", 90, 25},
	{"1707", "KAB. LEBONG", 350, 20},
	{"1708", "KAB. KEPAHIANG", 110, 30},
	{"1709", "KAB. BENGKULU TENGAH", 75, 25},
	{"1771", "KOTA BENGKULU", 95, 150},
}

func regionName(code string) string {
	for _, r := range regions {
		if r.code == code {
			return r.name
		}
	}
	return ""
}

// district is a kecamatan of the reference with a few of its villages.
type district struct {
	code     string
	name     string
	villages []string
}

// districtsOf returns the reference districts of a Bengkulu regency.
func districtsOf(regency string) []district {
	var ds []district
	for _, line := range districtTable {
		f := strings.Split(line, "|")
		if strings.HasPrefix(f[0], regency) {
			ds = append(ds, district{f[0], f[1], strings.Split(f[2], ";")})
		}
	}
	return ds
}

// districtTable: code|kecamatan|first three villages (level 4) of it.
var districtTable = []string{
	"170101|Kedurang|Batu Ampar;Rantau Sialang;Bumi Agung",
	"170102|Seginim|Pasar Baru;Padang Lebar;Sukaraja",
	"170103|Pino|Masat;Tanjung Aur I;Anggut",
	"170104|Manna|Kayu Kunyit;Tanjung Raman;Tanjung Besar",
	"170105|Kota Manna|Gunung Ayu;Kota Medan;Kampung Baru",
	"170106|Pino Raya|Selali;Air Kemang;Pasar Pino",
	"170107|Kedurang Ilir|Karang Caya;Betungan;Pagar Banyu",
	"170108|Air Nipis|Keban Jati;Tanjung Beringin;Suka Negeri",
	"170109|Ulu Manna|Batu Panco;Batu Kuning;Bandar Agung",
	"170110|Bunga Mas|Tumbak Tebing;Gunung Kayo;Gindo Suli",
	"170111|Pasar Manna|Tanjung Mulia;Pasar Mulia;Belakang Gedung",
	"170206|Kota Padang|Kota Padang;Bedeng SS.;Dusun Baru",
	"170207|Padang Ulak Tanding|Pasar PU Tanding;Karang Baru;Guru Agung",
	"170208|Sindang Kelingi|Beringin Tiga;Sindang Jaya;Sindang Jati",
	"170209|Curup|Dwi Tunggal;Air Putih Lama;Adirejo",
	"170210|Bermani Ulu|Air Mundu;Tebat Tenong Dalam;Baru Manis",
	"170211|Selupu Rejang|Air Duku;Cawang Baru;Simpang Nangka",
	"170216|Curup Utara|Dusun Curup;Tunas Harapan;Batu Dewa",
	"170217|Curup Timur|Sukaraja;Kesambe Baru;Karang Anyar",
	"170218|Curup Selatan|Air Putih Baru;Tempel Rejo;Rimbo Recap",
	"170219|Curup Tengah|Kepala Siring;Talang Rimbo Baru;Talang Rimbo Lama",
	"170220|Binduriang|Kepala Curup;Kampung Jeruk;Simpang Beliti",
	"170221|Sindang Beliti Ulu|Apur;Lawang Agung;Lubuk Alai",
	"170222|Sindang Dataran|IV Suko Menanti;Air Rusa;Bengko",
	"170223|Sindang Beliti Ilir|Merantau;Periang;Balai Buntar",
	"170224|Bermani Ulu Raya|Dataran Tapus;Bandung Marga;Pal Seratus",
	"170301|Enggano|Banjar Sari;Meok;Malakoni",
	"170306|Kerkap|Lubuk Durian;Talang Jambu;Tebat Pacur",
	"170307|Kota Arga Makmur|Purwodadi;Gunung Alam;Tanjung Raman",
	"170308|Giri Mulya|Tanjung Anom;Suka Makmur;Wono Harjo",
	"170309|Padang Jaya|Lubuk Banyau;Talang Tua;Marga Sakti",
	"170310|Lais|Pasar Lais;Datar Lebar;Air Padang",
	"170311|Batik Nau|Serangai;Selolong;Air Lakok",
	"170312|Ketahun|Urai;Pasar Ketahun;Giri Kencana",
	"170313|Napal Putih|Tanjungalai;Jabi;Napal Putih",
	"170314|Putri Hijau|Talang Arah;Pasar Sebelat;Kota Bani",
	"170315|Air Besi|Genting Perangkap;Lubuk Balam;Datar Mancang",
	"170316|Air Napal|Pasar Bembah;Tepi Laut;Pasar Kerkap",
	"170319|Hulu Palik|Kota Lekat;Padang Bendar;Taba Padang R",
	"170320|Air Padang|Padang Kala;Kembang Manis;Teluk Ajang",
	"170321|Arma Jaya|Kemumu;Tebing Kaning;Sidodadi",
	"170322|Tanjung Agung Palik|Sengkuang;Lubuk Pendam;Alun Dua",
	"170323|Ulok Kupai|Air Lelangi;Bukit Berlian;Tanjung Dalam",
	"170324|Pinang Raya|Air Sebayur;Air Sekamanak;Air Simpang",
	"170325|Marga Sakti Sebelat|Air Putih;Suka Makmur;Karya Pelita",
	"170401|Kinal|Gedung Wani;Penandingan;Geramat",
	"170402|Tanjung Kemuning|Tinggi Ari;Tanjung Aur;Aur Ringit",
	"170403|Kaur Utara|Simpang Tiga;Tanjung Betung;Padang Manis",
	"170404|Kaur Tengah|Tanjung Iman;Sukarami;Pajar Bulan",
	"170405|Kaur Selatan|Bandar Bintuhan;Sekunyit;Suka Bandung",
	"170406|Maje|Parda Suka;Air Long;Linau",
	"170407|Nasal|Muara Dua;Gedung Menung;Ulak Pandan",
	"170408|Semidang Gumay|Bunga Melur;Karang Dapo;Lubuk Gung",
	"170409|Kelam Tengah|Tanjung Ganti I;Tanjung Ganti II;Rigangan I",
	"170410|Luas|Bangun Jiwa;Cahaya Negeri;Padang Jati",
	"170411|Muara Sahung|Muara Sahung;Tri Tunggal Bakti;Ulak Lebar",
	"170412|Tetap|Suka Banjar;Tanjung Bunga;Cucupan",
	"170413|Lungkang Kule|Datar Lebar;Tanjung Bunian;Sinar Bulan",
	"170414|Padang Guci Hilir|Pulau Panggung;Talang Besar;Talang Jawi I",
	"170415|Padang Guci Hulu|Naga Rantai;Bungin Tambun;Bungin Tambun II",
	"170501|Sukaraja|Babatan;Sukaraja;Niur",
	"170502|Seluma|Lubuk Kebur;Pasar Tais;Lubuk Lintang",
	"170503|Talo|Masmambang;Napal Melintang;Serambi Gunung",
	"170504|Semidang Alas|Pajar Bulan;Maras Jauh;Bandung Agung",
	"170505|Semidang Alas Maras|Kembang Mumpo;Sendawar;Gelombang",
	"170506|Air Periukan|Dermayu;Sukamaju;Talang Alai",
	"170507|Lubuk Sandi|Talang Giring;Padang Capo Ilir;Padang Capo Ulu",
	"170508|Seluma Barat|Tanjung Agung;Air Latak;Talang Perapat",
	"170509|Seluma Timur|Selebar;Sembayat;Bunga Mas",
	"170510|Seluma Utara|Puguk;Talang Rami;Talang Beringin",
	"170511|Seluma Selatan|Rimbo Kedui;Padang Rambun;Sido Mulyo",
	"170512|Talo Kecil|Pering Baru;Talang Padang;Suka Merindu",
	"170513|Ulu Talo|Pagar;Muara Simpur;Pagar Agung",
	"170514|Ilir Talo|Pasar Talo;Dusun Baru;Talang Kabu",
	"170601|Lubuk Pinang|Suka Pindah;Lubuk Pinang;Arah Tiga",
	"170602|Kota Mukomuko|Pasar Muko-Muko;Koto Jaya;Bandar Ratu",
	"170603|Teras Terunjam|Teras Terunjam;Pondok Kopi;Setia Budi",
	"170604|Pondok Suguh|Air Bikuk;Tunggang;Pondok Suguh",
	"170605|Ipuh|Air Buluh;Pulau Baru;Pasar Ipuh",
	"170606|Malin Deman|Talang Arah;Serami Baru;Lubuk Talang",
	"170607|Air Rami|Arga Jaya;Air Rami;Rami Mulya",
	"170608|Teramang Jaya|Pasar Bantal;Nenggalo;Pondok Baru",
	"170609|Selagan Raya|Sungai Ipuh;Lubuk Sahung;Surian Bungkal",
	"170610|Penarik|Penarik;Lubuk Mukti;Bumi Mulya",
	"170611|XIV Koto|Lubuk Sanai;Rawa Mulya;Rawa Bangun",
	"170612|V Koto|Lalang Luas;Resno;Pondok Panjang",
	"170613|Air Majunto|Pondok Makmur;Manjunto Jaya;Tirta Makmur",
	"170614|Air Dikit|Dusun Baru V Koto;Air Dikit;Pondok Lunang",
	"170615|Sungai Rumbai|Retak Mudik;Padang Gading;Gajah Mati",
	"170701|Lebong Utara|Kampung Jawa;Pasar Muara Aman;Gandung",
	"170702|Lebong Atas|Sukau Kayo;Tik Tebing;Tabeak Blau",
	"170703|Lebong Tengah|Embong Panjang;Tanjung Bungai I;Semelako I",
	"170704|Lebong Selatan|Tes;Taba Anyar;Mubai",
	"170705|Rimbo Pengadang|Rimbo Pengadang;Talang Ratau;Bioa Sengok",
	"170706|Topos|Topos;Tik Sirong;Suka Negeri",
	"170707|Bingin Kuning|Karang Dapo Atas;Bukit Nibung;Karang Dapo Bawah",
	"170708|Lebong Sakti|Ujung Tanjung I;Muning Agung;Ujung Tanjung II",
	"170709|Pelabai|Tanjung Agung;Sukau Datang;Sukau Datang I",
	"170710|Amen|Amen;Nangai Tayau;Nangai Tayau I",
	"170711|Uram Jaya|Embong;Embong I;Kota Baru",
	"170712|Pinang Belapis|Ketenong I;Ketenong II;Ketenong Jaya",
	"170801|Bermani Ilir|Keban Agung;Kota Agung;Kembang Seri",
	"170802|Ujan Mas|Ujan Mas Atas;Daspeta;Suro Lembak",
	"170803|Tebat Karai|Tebat Karai;Taba Santing;Tertik",
	"170804|Kepahiang|Pensiunan;Pasar Kepahiangan;Pasar Ujung",
	"170805|Merigi|Durian Depun;Pulo Geto;Taba Mulan",
	"170806|Kebawetan|Tangsi Baru;Bandung Baru;Bukit Sari",
	"170807|Seberang Musi|Benuang Galing;Air Selimang;Tebat Laut",
	"170808|Muara Kemumu|Limbur Baru;Batu Kalung;Batu Bandung",
	"170901|Karang Tinggi|Taba Terunjam;Talang Empat;Padang Tambak",
	"170902|Talang Empat|Air Sebakul;Taba Pasmah;Kembang Seri",
	"170903|Pondok Kelapa|Talang Pauh;Srikaton;Pekik Nyaring",
	"170904|Pematang Tiga|Aturan Mumpo;Talang Tengah II;Kota Titik",
	"170905|Pagar Jati|Temiang;Taba Renah;Kerta Pati",
	"170906|Taba Penanjung|Taba Penanjung;Tanjung Raman;Sukarami",
	"170907|Merigi Kelindang|Jambu;Penembang;Talang Ambung",
	"170908|Merigi Sakti|Komering;Bajak Tiga;Rajak Besi",
	"170909|Pondok Kubang|Pondok Kubang;Batu Raja;Dusun Anyar",
	"170910|Bang Haji|Sekayun;Sekayun Mudik;Sekayun Hilir",
	"170911|Semidang Lagan|Pagar Gunung;Karang Nanding;Semidang",
	"177101|Selebar|Pagar Dewa;Sukarami;Pekan Sabtu",
	"177102|Gading Cempaka|Padang Harapan;Jalan Gedang;Sidomulyo",
	"177103|Teluk Segara|Berkas;Pasar Baru;Jitra",
	"177104|Muara Bangka Hulu|Kandang Limun;Bentiring;Pematang Gubernur",
	"177105|Kampung Melayu|Kandang;Kandang Mas;Teluk Sepang",
	"177106|Ratu Agung|Kebun Tebeng;Tanah Patah;Nusa Indah",
	"177107|Ratu Samban|Padang Jati;Kebun Dahri;Belakang Pondok",
	"177108|Sungai Serut|Kampung Kelawi;Sukamerindu;Semarang",
	"177109|Singaran Pati|Panorama;Jembatan Kecil;Dusun Besar",
}
