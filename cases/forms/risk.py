"""Forms for the DASH risk assessment and its quality assurance by a supervisor."""

from django import forms

from cases.models import RiskAssessment, RiskGrade
from cases.services import ANSWER_EVERY_QUESTION
from dvpo.forms import RELOAD, TEXT_MAX, PlainTextForm, Radios, too_long

CHOOSE_VICTIM = "Choose the victim this assessment is about"
CHOOSE_GRADE = "Choose your risk grade: standard, medium or high"
CHOOSE_REVIEW_GRADE = "Choose the grade: keep the officer's grade or choose another"


def question_field(number: int) -> str:
    return f"q{number}"


class RiskForm(PlainTextForm):
    """The questions of a risk instrument, each answered yes, no or not known, then the grade.

    Unanswered questions are not errors on their own fields: one message lists every missing
    number (the service's wording), and the page marks each unanswered question."""

    victim = forms.ModelChoiceField(
        label="Who is this assessment about?",
        queryset=None,
        widget=Radios,
        empty_label=None,
        error_messages={"required": CHOOSE_VICTIM, "invalid_choice": CHOOSE_VICTIM},
    )
    grade = forms.ChoiceField(
        label="Your risk grade",
        choices=RiskGrade.choices,
        widget=Radios,
        help_text="Use your professional judgement. 14 or more 'yes' answers is visible high "
        "risk and cannot be graded lower here. Below that, any 'yes' suggests medium and none "
        "suggests standard.",
        error_messages={"required": CHOOSE_GRADE},
    )
    rationale = forms.CharField(
        label="Why this grade?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when your grade differs from the suggested grade.",
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("The reason for your grade")},
    )

    def __init__(self, *args, victims, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["victim"].queryset = victims
        self.fields["victim"].label_from_instance = lambda party: str(party.person)
        if len(victims) == 1:
            self.fields["victim"].initial = victims[0].pk
            self.fields["victim"].widget = forms.HiddenInput()
        self.questions = list(questions)
        for question in self.questions:
            self.fields[question_field(question.number)] = forms.ChoiceField(
                label=f"{question.number}. {question.text}",
                choices=RiskAssessment.Answer.choices,
                widget=Radios,
                required=False,
            )
        self.order_fields(["victim", *(question_field(q.number) for q in self.questions)])

    def clean(self):
        data = super().clean()
        missing = sorted(self.unanswered())
        if missing:
            # The service's own message, so that every problem shows at once.
            self.add_error(None, ANSWER_EVERY_QUESTION.format(numbers=", ".join(map(str, missing))))
        return data

    def question_rows(self):
        """(question, bound field) in question order, for the template."""
        return [(q, self[question_field(q.number)]) for q in self.questions]

    def answers(self) -> dict:
        return {
            str(q.number): self.cleaned_data.get(question_field(q.number)) or ""
            for q in self.questions
        }

    def unanswered(self) -> set[int]:
        if not self.is_bound:
            return set()
        return {
            q.number
            for q in self.questions
            if self.data.get(self.add_prefix(question_field(q.number)))
            not in RiskAssessment.Answer.values
        }


class ReviewForm(PlainTextForm):
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": RELOAD, "invalid": RELOAD}
    )
    grade = forms.ChoiceField(
        label="What is the right risk grade?",
        choices=RiskGrade.choices,
        widget=Radios,
        help_text="Keep the officer's grade to confirm it, or choose another to change it.",
        error_messages={"required": CHOOSE_REVIEW_GRADE},
    )
    reason = forms.CharField(
        label="Reason for changing the grade",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when you change the grade.",
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("The reason for changing the grade")},
    )
