package transforms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/regions"
)

// ValidateConfig configures the validate stage.
type ValidateConfig struct {
	// Regions decides which NIK province codes exist and which districts
	// the province has. Required.
	Regions *regions.Reference
	// AsOf is the run's as-of date: it picks the century of a NIK's birth
	// year and bounds birth, request and service dates. Required; normalize
	// must get the same date.
	AsOf time.Time
}

func (c ValidateConfig) validate() error {
	var errs []error
	if c.Regions == nil {
		errs = append(errs, errors.New("validate: no region reference"))
	}
	if c.AsOf.IsZero() {
		errs = append(errs, errors.New("validate: no as-of date"))
	}
	return errors.Join(errs...)
}

// Validate gives every row its verdict: it takes a NormSchema batch and
// returns a ValidSchema batch, the input columns retained and three
// appended, same rows, same order.
//
//   - reason: null for an accepted row, else the first rule the row breaks,
//     in the order of pipeline.Reasons (SPEC §3): NIK_MISSING,
//     NIK_PRECISION_LOST, NIK_BAD_LENGTH, NIK_NOT_DIGITS, NIK_BAD_PROVINCE,
//     NIK_BAD_DATE, NIK_BAD_SERIAL, NAME_MISSING, EVENT_MISSING,
//     EVENT_UNKNOWN, REGION_UNKNOWN.
//
//   - detail: null for an accepted row, else a short English explanation
//     naming the column. It may quote jenis_perubahan or kabupaten_kota
//     text (cut to 40 characters, and not at all when it holds a run of six
//     or more digits) but never a NIK, an NKK or a name. When a required
//     cell is empty and the source marked the row FORMULA_NO_VALUE, the
//     detail says the cell may be a formula without a saved value: a
//     rejected row carries no warnings, so the detail is where that shows.
//
//   - warnings: null for a rejected row; for an accepted row the codes
//     of the table below that apply, in its order, then the row's
//     cell_warnings in their order (FORMULA_NO_VALUE, CELL_TOO_LONG from
//     the source), each code once; empty when none apply.
//
// The warnings, in order:
//
//	NIK_DOB_MISMATCH     tanggal_lahir as written (even when implausible)
//	                     differs from the NIK's day, month or 2-digit year
//	NIK_SEX_MISMATCH     jenis_kelamin differs from the NIK's sex
//	NIK_NUMERIC_CELL     the NIK came from a numeric cell but passed
//	DATE_UNPARSEABLE     a non-blank date cell parseDate cannot read
//	                     (a bare year such as 1985 included)
//	EXCEL_1900_LEAP_DAY  ... and it is Excel's serial 60, 1900-02-29
//	BIRTH_BEFORE_1900    tanggal_lahir before 1900-01-01
//	BIRTH_AFTER_AS_OF    tanggal_lahir after AsOf
//	DATE_AFTER_AS_OF     tanggal_pengajuan or tanggal_layanan after AsOf
//	DISTRICT_UNKNOWN     a NIK of the province whose district the
//	                     reference lacks
//	DESTINATION_UNKNOWN  kabupaten_tujuan names no known regency
//
// The two birth warnings come from the date as written: normalize has
// already dropped such a date from birth_date (birthImplausible), so the
// person's birth date falls back to another row's or the NIK's. A request
// or service date after AsOf is kept by normalize (it has no fallback) and
// only warned about: it is probably a typo, for a reviewer to fix at the
// source.
type Validate struct {
	cfg  ValidateConfig
	asOf asOfDay // cfg.AsOf, in days
}

var _ pipeline.RowLocalStage = (*Validate)(nil)

// NewValidate returns a validate stage, or an error naming every missing
// setting.
func NewValidate(cfg ValidateConfig) (*Validate, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Validate{cfg: cfg, asOf: newAsOfDay(cfg.AsOf)}, nil
}

// Name identifies the stage.
func (*Validate) Name() string { return "validate" }

// RowLocal reports true: Apply reads only its batch and the stage's
// configuration (the region reference is read-only; lookups are memoised
// per call), so the runner may call it on several batches at once.
func (*Validate) RowLocal() bool { return true }

// Apply validates one NormSchema batch. rec is borrowed; the returned
// ValidSchema record is the caller's. The only errors are a cancelled
// context and a batch of the wrong schema.
func (v *Validate) Apply(ctx context.Context, mem memory.Allocator, rec arrow.Record) (arrow.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := requireColumns(v.Name(), rec, pipeline.NormSchema, validateReads...); err != nil {
		return nil, err
	}
	str := func(name string) *array.String { return stringCol(rec, name) }
	var (
		nik, nikClean    = str(pipeline.ColNIK), str(pipeline.ColNIKClean)
		nama, nameNorm   = str(pipeline.ColNama), str(pipeline.ColNameNorm)
		jenis, event     = str(pipeline.ColJenisPerubahan), str(pipeline.ColEvent)
		kab, region      = str(pipeline.ColKabupatenKota), str(pipeline.ColRegionCode)
		tujuan, dest     = str(pipeline.ColKabupatenTujuan), str(pipeline.ColDestRegionCode)
		sex              = str(pipeline.ColSex)
		rawDates         = [3]*array.String{str(pipeline.ColTanggalLahir), str(pipeline.ColTanggalPengajuan), str(pipeline.ColTanggalLayanan)}
		parsed           = [3]*array.Date32{dateCol(rec, pipeline.ColBirthDate), dateCol(rec, pipeline.ColRequestDate), dateCol(rec, pipeline.ColServiceDate)}
		numeric          = column(rec, pipeline.ColNIKNumeric).(*array.Boolean)
		cellWarn         = column(rec, pipeline.ColCellWarnings).(*array.List)
		cellWarnValues   = cellWarn.ListValues().(*array.String)
		rows             = int(rec.NumRows())
		bReason, bDetail = array.NewStringBuilder(mem), array.NewStringBuilder(mem)
		bWarnings        = array.NewListBuilder(mem, arrow.BinaryTypes.String)
		bWarnValues      = bWarnings.ValueBuilder().(*array.StringBuilder)
	)
	defer bReason.Release()
	defer bDetail.Release()
	defer bWarnings.Release()
	bReason.Reserve(rows)
	bDetail.Reserve(rows)
	bWarnings.Reserve(rows)
	var scratch []string // the warnings of a row, reused: the builder copies them

	for i := 0; i < rows; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		r := rowFacts{
			nikNumeric: numeric.IsValid(i) && numeric.Value(i),
		}
		r.nik, r.hasNIK = cellText(nik, i)
		r.nikClean, _ = cellText(nikClean, i)
		r.nama, _ = cellText(nama, i)
		r.nameNorm, _ = cellText(nameNorm, i)
		r.jenis, _ = cellText(jenis, i)
		r.event, _ = cellText(event, i)
		r.kab, _ = cellText(kab, i)
		r.region, _ = cellText(region, i)
		r.tujuan, _ = cellText(tujuan, i)
		r.dest, _ = cellText(dest, i)
		r.sex, _ = cellText(sex, i)
		for k := range rawDates {
			v.readDate(&r, k == 0, rawDates[k], parsed[k], i)
		}
		if cellWarn.IsValid(i) {
			start, end := cellWarn.ValueOffsets(i)
			for k := start; k < end; k++ {
				if cellWarnValues.IsValid(int(k)) {
					r.cellWarnings = append(r.cellWarnings, cellWarnValues.Value(int(k)))
				}
			}
		}

		reason, detail, warnings := v.judge(&r, scratch[:0])
		scratch = warnings
		if reason != "" {
			bReason.Append(reason)
			bDetail.Append(detail)
			bWarnings.AppendNull()
			continue
		}
		bReason.AppendNull()
		bDetail.AppendNull()
		bWarnings.Append(true)
		for _, w := range warnings {
			bWarnValues.Append(w)
		}
	}

	reasons, details, warnings := bReason.NewArray(), bDetail.NewArray(), bWarnings.NewArray()
	defer reasons.Release()
	defer details.Release()
	defer warnings.Release()
	return appendColumns(rec, pipeline.ValidColumns(), reasons, details, warnings)
}

// validateReads are the columns validate reads.
var validateReads = []string{
	pipeline.ColNIK, pipeline.ColNIKClean, pipeline.ColNama, pipeline.ColNameNorm,
	pipeline.ColJenisPerubahan, pipeline.ColEvent, pipeline.ColKabupatenKota, pipeline.ColRegionCode,
	pipeline.ColKabupatenTujuan, pipeline.ColDestRegionCode, pipeline.ColSex,
	pipeline.ColTanggalLahir, pipeline.ColTanggalPengajuan, pipeline.ColTanggalLayanan,
	pipeline.ColBirthDate, pipeline.ColRequestDate, pipeline.ColServiceDate,
	pipeline.ColNIKNumeric, pipeline.ColCellWarnings,
}

// rowFacts are the values of one row that the verdict depends on; a null
// cell reads as "".
type rowFacts struct {
	nik          string // raw nik cell
	hasNIK       bool   // nik is not null
	nikClean     string
	nikNumeric   bool
	nama         string // raw nama
	nameNorm     string
	jenis        string // raw jenis_perubahan
	event        string
	kab          string // raw kabupaten_kota
	region       string
	tujuan       string // raw kabupaten_tujuan
	dest         string
	sex          string
	birth        arrow.Date32 // tanggal_lahir as written, implausible or not, when hasBirth
	hasBirth     bool         // tanggal_lahir holds a date: not empty, not unreadable
	unparseable  bool         // a non-blank date cell parseDate cannot read
	serial60     bool         // ... and it is Excel's serial 60
	afterAsOf    bool         // a request or service date after the as-of date
	cellWarnings []string
}

// readDate records what one date cell of row i says: the date as written
// for tanggal_lahir (isBirth), whether it is unreadable, whether a request
// or service date lies after the as-of date. A parsed date is taken from
// normalize's column; only a null one with text in the cell is parsed
// again, to tell an unreadable cell from a birth date normalize dropped as
// implausible.
func (v *Validate) readDate(r *rowFacts, isBirth bool, raw *array.String, parsed *array.Date32, i int) {
	var d arrow.Date32
	if parsed.IsValid(i) {
		d = parsed.Value(i)
	} else {
		text, _ := cellText(raw, i)
		if strings.TrimSpace(foldDateText(text)) == "" {
			return
		}
		var ok bool
		if d, ok = parseDay(text); !ok {
			r.unparseable = true
			r.serial60 = r.serial60 || excelSerial60(text)
			return
		}
	}
	if isBirth {
		r.birth, r.hasBirth = d, true
	} else if d > v.asOf.last {
		r.afterAsOf = true
	}
}

// judge returns the reason and detail of a rejected row, or the warnings
// of an accepted one appended to w.
func (v *Validate) judge(r *rowFacts, w []string) (reason, detail string, warnings []string) {
	if reason, detail = v.reject(r); reason != "" {
		return reason, detail, w
	}
	return "", "", v.warn(r, w)
}

// reject applies the reject rules in priority order (SPEC §3).
func (v *Validate) reject(r *rowFacts) (reason, detail string) {
	nik := r.nikClean
	switch {
	case !r.hasNIK || strings.TrimSpace(r.nik) == "" || nik == "":
		return pipeline.ReasonNIKMissing, r.empty("nik")
	case scientific(r.nik):
		return pipeline.ReasonNIKPrecisionLost,
			"nik is in scientific notation (like 1.77E+15): the digits after the 15th are lost"
	}
	if r.nikNumeric && allDigits(nik) {
		sig := len(strings.TrimLeft(nik, "0"))
		switch {
		case sig < nikLen:
			return pipeline.ReasonNIKPrecisionLost,
				fmt.Sprintf("nik came from a numeric cell with %d significant digits, want 16", sig)
		case nik[len(nik)-1] == '0':
			return pipeline.ReasonNIKPrecisionLost,
				"nik came from a numeric cell and ends in 0: Excel keeps 15 significant digits, so the last one was probably lost"
		}
	}
	if n := utf8.RuneCountInString(nik); n != nikLen {
		unit := "characters"
		if allDigits(nik) {
			unit = "digits"
		}
		return pipeline.ReasonNIKBadLength, fmt.Sprintf("nik has %d %s, want 16", n, unit)
	}
	if !allDigits(nik) {
		pos := 1 + strings.IndexFunc(nik, func(c rune) bool { return c < '0' || c > '9' })
		return pipeline.ReasonNIKNotDigits, fmt.Sprintf("nik has a character other than a digit at position %d", pos)
	}
	if !v.cfg.Regions.IsProvinceCode(nik[:2]) {
		return pipeline.ReasonNIKBadProvince, "nik digits 1-2 are not a province code of the national list"
	}
	if _, _, ok := nikBirth(nik, v.asOf); !ok {
		return pipeline.ReasonNIKBadDate, "nik digits 7-12 are not a possible birth date (DDMMYY, day + 40 for women)"
	}
	if nik[12:] == "0000" {
		return pipeline.ReasonNIKBadSerial, "nik serial (digits 13-16) is 0000"
	}
	if r.nameNorm == "" {
		if strings.TrimSpace(r.nama) == "" {
			return pipeline.ReasonNameMissing, r.empty("nama")
		}
		return pipeline.ReasonNameMissing, "nama holds nothing but titles and punctuation"
	}
	if strings.TrimSpace(r.jenis) == "" {
		return pipeline.ReasonEventMissing, r.empty("jenis_perubahan")
	}
	if r.event == "" {
		return pipeline.ReasonEventUnknown, "jenis_perubahan text not recognised: " + quoteCell(r.jenis)
	}
	if r.region == "" {
		const where = "neither the sheet name nor the file name names a regency of the province"
		if strings.TrimSpace(r.kab) == "" {
			return pipeline.ReasonRegionUnknown, r.empty("kabupaten_kota") + " and " + where
		}
		return pipeline.ReasonRegionUnknown,
			"kabupaten_kota " + quoteCell(r.kab) + " is not one regency of the province, and " + where
	}
	return "", ""
}

// empty is the detail of a required cell that is empty. The source marks
// a row, not a cell, FORMULA_NO_VALUE, so the detail can only say the
// cell may be the formula.
func (r *rowFacts) empty(column string) string {
	if slices.Contains(r.cellWarnings, pipeline.WarnFormulaNoCache) {
		return column + " is empty (the row has a formula cell without a saved value, maybe this one: recalculate and save the workbook)"
	}
	return column + " is empty"
}

// warn appends to w the warnings of an accepted row (whose NIK is valid).
func (v *Validate) warn(r *rowFacts, w []string) []string {
	nik := r.nikClean
	day, month, yy, female := nikDayMonthYY(nik)
	if r.hasBirth {
		if by, bm, bd := civil(r.birth); bd != day || bm != month || by%100 != yy {
			w = append(w, pipeline.WarnNIKDOBMismatch)
		}
	}
	if r.sex != "" && (r.sex == "P") != female {
		w = append(w, pipeline.WarnNIKSexMismatch)
	}
	if r.nikNumeric {
		w = append(w, pipeline.WarnNIKNumericCell)
	}
	if r.unparseable {
		w = append(w, pipeline.WarnDateUnparseable)
	}
	if r.serial60 {
		w = append(w, pipeline.WarnExcelLeapDay1900)
	}
	if r.hasBirth {
		if code := birthImplausible(r.birth, v.asOf); code != "" {
			w = append(w, code)
		}
	}
	if r.afterAsOf {
		w = append(w, pipeline.WarnDateAfterAsOf)
	}
	ref := v.cfg.Regions
	if nik[:2] == ref.Province().Code && ref.HasDistricts() && !ref.IsDistrict(nik[:6]) {
		w = append(w, pipeline.WarnDistrictUnknown)
	}
	if strings.TrimSpace(r.tujuan) != "" && r.dest == "" {
		w = append(w, pipeline.WarnDestUnknown)
	}
	for _, c := range r.cellWarnings {
		if c != "" && !slices.Contains(w, c) {
			w = append(w, c)
		}
	}
	return w
}

// maxQuoted bounds the cell text a detail quotes.
const maxQuoted = 40

// quoteCell quotes the text of a code-like cell for a detail: trimmed,
// white space collapsed, cut to maxQuoted characters. Text holding a run
// of six or more digits is not quoted: it may be a NIK or NKK typed in
// the wrong column.
func quoteCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	run := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			if run++; run >= 6 {
				return "(not quoted: it holds a long number)"
			}
		} else {
			run = 0
		}
	}
	if utf8.RuneCountInString(s) > maxQuoted {
		s = string([]rune(s)[:maxQuoted]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
