package match

import "testing"

// TestPhoneticPublished checks the primary keys given as examples in
// Lawrence Philips's original Double Metaphone source and article.
func TestPhoneticPublished(t *testing.T) {
	tests := []struct{ in, want string }{
		{"smith", "SM0"}, {"schmidt", "XMT"}, {"michael", "MKL"},
		{"chemistry", "KMST"}, {"chorus", "KRS"}, {"architect", "ARKT"},
		{"arch", "ARX"}, {"orchestra", "ARKS"}, {"orchid", "ARKT"},
		{"wachtler", "AKTL"}, {"wechsler", "AKSL"}, {"tichner", "TXNR"},
		{"McHugh", "MK"}, {"czerny", "SRN"}, {"focaccia", "FKX"},
		{"bellocchio", "PLX"}, {"bacchus", "PKS"}, {"accident", "AKST"},
		{"accede", "AKST"}, {"succeed", "SKST"}, {"bacci", "PX"},
		{"bertucci", "PRTX"}, {"mac caffrey", "MKFR"}, {"mac gregor", "MKRK"},
		{"edge", "AJ"}, {"edgar", "ATKR"}, {"ghislane", "JLN"},
		{"ghiradelli", "JRTL"}, {"hugh", "H"}, {"bough", "P"},
		{"broughton", "PRTN"}, {"laugh", "LF"}, {"McLaughlin", "MKLF"},
		{"cough", "KF"}, {"gough", "KF"}, {"rough", "RF"}, {"tough", "TF"},
		{"cagney", "KKN"}, {"tagliaro", "TKLR"}, {"biaggi", "PJ"},
		{"san jacinto", "SNHS"}, {"Yankelovich", "ANKL"}, {"Jankelowicz", "JNKL"},
		{"bajador", "PJTR"}, {"cabrillo", "KPRL"}, {"gallegos", "KLKS"},
		{"dumb", "TM"}, {"thumb", "0M"}, {"campbell", "KMPL"},
		{"raspberry", "RSPR"}, {"hochmeier", "HKMR"}, {"island", "ALNT"},
		{"isle", "AL"}, {"carlisle", "KRLL"}, {"carlysle", "KRLL"},
		{"snider", "SNTR"}, {"schneider", "XNTR"}, {"school", "SKL"},
		{"schooner", "SKNR"}, {"schermerhorn", "XRMR"}, {"schenker", "XNKR"},
		{"resnais", "RSN"}, {"artois", "ART"}, {"thomas", "TMS"},
		{"Wasserman", "ASRM"}, {"Vasserman", "FSRM"}, {"Uomo", "AM"},
		{"Womo", "AM"}, {"Arnow", "ARN"}, {"Arnoff", "ARNF"},
		{"filipowicz", "FLPT"}, {"breaux", "PR"}, {"zhao", "J"},
		{"thames", "TMS"}, {"rogier", "RJ"},
	}
	for _, tt := range tests {
		if got := Phonetic(tt.in); got != tt.want {
			t.Errorf("Phonetic(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPhoneticSharedKeys(t *testing.T) {
	groups := [][]string{
		{"Smith", "Smyth"},
		{"Thompson", "Thomson", "Tomson"}, // needs the mps → ms reading
		{"Simpson", "Simson"},
		{"Mohammed", "Muhammad", "Mohamed", "Mohammad"},
		{"Catherine", "Katherine", "Kathryn"},
		{"Jon", "John"},
		{"Stephen", "Steven"},
		{"van der Berg", "Vanderberg"},
		{"Łukasz", "Lukasz"},
	}
	for _, g := range groups {
		want := Phonetic(g[0])
		if want == "" {
			t.Errorf("Phonetic(%q) is empty", g[0])
		}
		for _, n := range g[1:] {
			if got := Phonetic(n); got != want {
				t.Errorf("Phonetic(%q) = %q, want %q as for %q", n, got, want, g[0])
			}
		}
	}
	for _, pair := range [][2]string{{"Smith", "Jones"}, {"Thomas", "Thompson"}, {"Ali", "Allen"}} {
		if Phonetic(pair[0]) == Phonetic(pair[1]) {
			t.Errorf("%q and %q share key %q", pair[0], pair[1], Phonetic(pair[0]))
		}
	}
	for _, s := range []string{"", "  ", "محمد", "'-"} {
		if got := Phonetic(s); got != "" {
			t.Errorf("Phonetic(%q) = %q, want empty", s, got)
		}
	}
}
