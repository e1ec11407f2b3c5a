package store

import "testing"

// Every section the form names reads its own field; an unknown name reads
// nothing.
func TestSafetyPlanSection(t *testing.T) {
	s := SafetyPlanSections{SafeContacts: "a", SafePlaces: "b", CodeWords: "c", EscapePlan: "d", BabyPlan: "e", TechnologySafety: "f"}
	want := map[string]string{"safe_contacts": "a", "safe_places": "b", "code_words": "c", "escape_plan": "d", "baby_plan": "e", "technology_safety": "f", "": "", "notes": ""}
	for _, sec := range SafetyPlanSectionNames() {
		if _, ok := want[sec[0]]; !ok {
			t.Errorf("section %q is not in the test", sec[0])
		}
	}
	for key, w := range want {
		if got := s.Section(key); got != w {
			t.Errorf("Section(%q) = %q, want %q", key, got, w)
		}
	}
}
