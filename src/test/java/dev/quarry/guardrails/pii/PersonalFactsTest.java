package dev.quarry.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PersonalFactsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "I am 34 years old and live in Leeds|34", "I'm 52, is it too late?|52", "Im 27 years old|27", "She turned 40 last week|40",
            "age: 29|29", "\"age\":31|31", "aged 45, non-smoker|45", "at the age of 61 he retired|61",
            "Patient: 67-year-old male|67", "45 y/o female|45", "My daughter is 7 years old|7", "my son (12) plays football|12"})
    void findsAnAgeTheWordsAroundItGive(String text, String age) {
        assertThat(Finds.in("AGE", text)).containsExactly(age);
    }

    @ParameterizedTest
    @ValueSource(strings = {"The house is 120 years old", "Page 34 of the manual", "Wait 30 minutes", "for ages 8 and up",
            "cheese aged 24 months", "We have 34 years of experience", "I am 100% sure", "I'm 2 hours late", "She is 5 feet tall",
            "max-age=60", "aged 18-25", "age: 300", "I am 6"})
    void rejectsNumbersThatAreNoPersonsAge(String text) {
        assertThat(Finds.in("AGE", text + " x")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "I was born on 12 March 1985 in Cork|12 March 1985", "DOB: 04/07/1979|04/07/1979", "date of birth 1990-11-23|1990-11-23",
            "Her birthday is July 4th, 1996.|July 4th, 1996", "D.O.B. 23.08.1967|23.08.1967", "born 3rd May 2002, Leeds|3rd May 2002",
            "dob 5/14/88|5/14/88", "I was born on the 2nd of January, 1990|2nd of January, 1990"})
    void findsADateAfterABirthWord(String text, String date) {
        assertThat(Finds.in("DATE_OF_BIRTH", text)).containsExactly(date);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Invoice date 2024-03-12", "born on a napkin in 2019", "birthday party on 14 June",
            "created_at 1990-11-23T10:00:00Z", "DOB: 13/13/1990", "DOB: 1990-13-01", "DOB 04/07/1879", "born 2024-01-05-7"})
    void rejectsOtherDatesImpossibleDatesAndDatesWithoutAYear(String text) {
        assertThat(Finds.in("DATE_OF_BIRTH", text)).isEmpty();
    }
}
