"""The sentence splitter: real seed sentences, the tricky cases, and its whitespace contract."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.sentences import split_sentences

# Fragments of the sample articles in /work/shared/seeds (CNN Arabic, Arabic Post).
KREMLIN = ("وأضاف الكرملين “من المقرر أيضا تبادل وجهات النظر في سياق تعميق التعاون الروسي الصيني "
           "على الساحة الدولية”. وسيتم التوقيع على عدد من الوثائق الثنائية الهامة “.")
BEST_FRIEND = ("لقد طوروا علاقة شخصية وثيقة ، حيث وصف شي بوتين بأنه “أفضل صديق” في عام 2019. "
               "التقى شي ببوتين شخصيًا 39 مرة منذ أن أصبح زعيمًا للصين.")
HEADLINE = "مسؤول صيني يزور روسيا لإجراء محادثات أمنية.. تقارب متزايد بين موسكو وبكين في مواجهة واشنطن"
OIL_ON_FIRE = ("ونفى أن تكون بكين تعتزم إمداد روسيا بأسلحة لدعمها في حربها ضد أوكرانيا، متهماً واشنطن "
               "بـ\"صب الزيت على النار\" بتوجيهها مثل هذه الاتهامات، مكرراً الدعوة لدعم مقترح صيني.")
MISSING_SPACE = ("تشتري ملايين الصواريخ وقذائف المدفعية من كوريا الشمالية.حليف وثيق للصين ، "
                 "لقتالها المستمر في أوكرانيا.")


@pytest.mark.parametrize(("text", "expected"), [
    (KREMLIN, [
        "وأضاف الكرملين “من المقرر أيضا تبادل وجهات النظر في سياق تعميق التعاون الروسي الصيني "
        "على الساحة الدولية”.",
        "وسيتم التوقيع على عدد من الوثائق الثنائية الهامة “.",
    ]),
    (BEST_FRIEND, [
        "لقد طوروا علاقة شخصية وثيقة ، حيث وصف شي بوتين بأنه “أفضل صديق” في عام 2019.",
        "التقى شي ببوتين شخصيًا 39 مرة منذ أن أصبح زعيمًا للصين.",
    ]),
    (HEADLINE, [
        "مسؤول صيني يزور روسيا لإجراء محادثات أمنية..",
        "تقارب متزايد بين موسكو وبكين في مواجهة واشنطن",
    ]),
    (OIL_ON_FIRE, [OIL_ON_FIRE]),
    (MISSING_SPACE, [MISSING_SPACE]),  # sentences only end at whitespace
])
def test_seed_sentences(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # every terminator, Arabic and Latin
    ("هل انتهت الحرب؟ لا! بل اشتدت… وقال الوزير إنها مستمرة.",
     ["هل انتهت الحرب؟", "لا!", "بل اشتدت…", "وقال الوزير إنها مستمرة."]),
    ("Is it over? No! It goes on. Really?!", ["Is it over?", "No!", "It goes on.", "Really?!"]),
    # the semicolon is not a boundary
    ("ارتفعت الأسعار؛ وانخفضت الأجور.", ["ارتفعت الأسعار؛ وانخفضت الأجور."]),
    # a line break always is
    ("عنوان بلا نقطة\nثم الفقرة.", ["عنوان بلا نقطة", "ثم الفقرة."]),
    ("الأول.\r\n\r\n  الثاني.\u2028الثالث", ["الأول.", "الثاني.", "الثالث"]),
    # numbers
    ("ارتفع النمو 3.5 في المئة إلى 1.000.000 دولار في 2021.05 تقريبا.",
     ["ارتفع النمو 3.5 في المئة إلى 1.000.000 دولار في 2021.05 تقريبا."]),
    ("The rate rose to 3.5 percent. Prices fell.", ["The rate rose to 3.5 percent.", "Prices fell."]),
    # English abbreviations and initials
    ("Mr. Smith met Dr. Jones in the U.S. on Jan. 5. They talked for an hour.",
     ["Mr. Smith met Dr. Jones in the U.S. on Jan. 5.", "They talked for an hour."]),
    ("J. R. R. Tolkien wrote it. St. Petersburg agreed, e.g. in No. 7 of the series.",
     ["J. R. R. Tolkien wrote it.", "St. Petersburg agreed, e.g. in No. 7 of the series."]),
    ("We met at 5 p.m. The talks ended late.", ["We met at 5 p.m.", "The talks ended late."]),
    ("He said no. Then he left.", ["He said no.", "Then he left."]),
    ("It was sold to Apple Inc. The deal closed.", ["It was sold to Apple Inc.", "The deal closed."]),
    # Arabic abbreviations and initials
    ("وقال د. محمد علي إن الوضع صعب. وأضاف م. أحمد أن الحل قريب.",
     ["وقال د. محمد علي إن الوضع صعب.", "وأضاف م. أحمد أن الحل قريب."]),
    ("ذكرت وكالة أ.ف.ب. أن الاجتماع انتهى. ولم تذكر التفاصيل.",
     ["ذكرت وكالة أ.ف.ب. أن الاجتماع انتهى.", "ولم تذكر التفاصيل."]),
    ("بنيت القلعة عام 1190 م. وما زالت قائمة.", ["بنيت القلعة عام 1190 م.", "وما زالت قائمة."]),
    ("وقال (أ.ف.ب) إن القصف توقف.", ["وقال (أ.ف.ب) إن القصف توقف."]),
    ("بنيت عام 500 ق.م. وهدمت لاحقا.", ["بنيت عام 500 ق.م.", "وهدمت لاحقا."]),
    ("قابلت أ.د. سمير في القاهرة.", ["قابلت أ.د. سمير في القاهرة."]),
    # closing quotes and brackets stay with their sentence
    ("وصفها بأنها «الأفضل في التاريخ.» وأكد الكرملين ذلك.",
     ["وصفها بأنها «الأفضل في التاريخ.» وأكد الكرملين ذلك."]),
    ("انتهى الاجتماع (بعد ساعتين.) ثم غادر الوفد.", ["انتهى الاجتماع (بعد ساعتين.)", "ثم غادر الوفد."]),
    ('He said: "It is over." Then he left.', ['He said: "It is over."', "Then he left."]),
    ("ورد قائلا: «لا. » ثم غادر.", ["ورد قائلا: «لا. » ثم غادر."]),
    # no split inside a quotation that closes later on the line
    ("وقال: «لن نتراجع. سنواصل العمل حتى النهاية». وغادر القاعة.",
     ["وقال: «لن نتراجع. سنواصل العمل حتى النهاية».", "وغادر القاعة."]),
    ('وقال يونكر "سأقترح أن نبقى حازمين. إنها الطريقة الوحيدة". ثم صمت.',
     ['وقال يونكر "سأقترح أن نبقى حازمين. إنها الطريقة الوحيدة".', "ثم صمت."]),
    ("وقال: »لن نتراجع. سنواصل« وغادر.", ["وقال: »لن نتراجع. سنواصل« وغادر."]),  # reversed guillemets
    # a quotation ending in its own punctuation: attribution continues the sentence, news does not
    ("قال إن “هذا صحيح. ” وأضاف أن الأمر انتهى.", ["قال إن “هذا صحيح. ” وأضاف أن الأمر انتهى."]),
    ("“هذا صحيح.” قال الوزير.", ["“هذا صحيح.” قال الوزير."]),
    ('"Is it true?" he asked.', ['"Is it true?" he asked.']),
    ('قالت "لا يسع المرء إلا أن يأمل." وذكرت صحيفة محلية أن المنزل احترق.',
     ['قالت "لا يسع المرء إلا أن يأمل." وذكرت صحيفة محلية أن المنزل احترق.']),
    ('قالت "هذا صحيح." وهو ما نفاه الكرملين.', ['قالت "هذا صحيح."', "وهو ما نفاه الكرملين."]),
    # a stray quote mark does not swallow the rest of the paragraph
    ("الوثائق الهامة “. ثم وصل الوفد. وبدأت المحادثات.",
     ["الوثائق الهامة “.", "ثم وصل الوفد.", "وبدأت المحادثات."]),
    # URLs, e-mails, omissions, list markers
    ("راجع https://example.com/a.b?c=1. أو اكتب إلى info@example.org. شكرا.",
     ["راجع https://example.com/a.b?c=1.", "أو اكتب إلى info@example.org.", "شكرا."]),
    ("وقال إن الحزب (...) سيستفيد من ذلك.", ["وقال إن الحزب (...) سيستفيد من ذلك."]),
    ("انتهت المباراة ... وفاز الفريق.", ["انتهت المباراة ...", "وفاز الفريق."]),
    ("1. النقطة الأولى مهمة. 2. والثانية أيضا.", ["1. النقطة الأولى مهمة.", "2. والثانية أيضا."]),
    ("He said... and then left. OK.", ["He said... and then left.", "OK."]),
])
def test_tricky_cases(text, expected):
    assert split_sentences(text) == expected


def test_long_sentence_without_punctuation_stays_whole():
    text = " ".join(["كلمة"] * 150)
    assert len(text) > 400
    assert split_sentences(text) == [text]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "\u00a0\t"])
def test_blank_text_has_no_sentences(text):
    assert split_sentences(text) == []


SENTENCE_TEXT = st.text(
    alphabet=st.sampled_from(
        list("ابتجدرسعفقلمنهويةىأإ") + list("AbcJzS019٣")
        + list(".!?؟…;؛,،:")
        + list("“”«»\"'()[]’‘")
        + list("ـ@/-")
        + [" ", " ", " ", "\n", "\r", "\t", "\xa0", "\u2028", "\x1c", "\x85", "\u200f"]
    ),
    max_size=120,
)


@given(st.one_of(SENTENCE_TEXT, st.text()))
@example('a. "b')
@example("“. ”. ”")
@example(". . .")
def test_joined_sentences_give_back_the_text(text):
    sentences = split_sentences(text)
    assert " ".join(sentences) == " ".join(text.split())
    assert all(sentence and sentence == sentence.strip() for sentence in sentences)
    assert all("\n" not in sentence and "\r" not in sentence for sentence in sentences)


@given(st.lists(st.sampled_from([
    "وقال الوزير إن المحادثات انتهت.",
    "Prices rose by 3.5 percent.",
    "هل انتهت الحرب؟",
    "وأكد أن «الوضع صعب».",
    "The talks ended!",
]), min_size=1, max_size=6))
def test_plain_sentences_are_found_again(parts):
    assert split_sentences(" ".join(parts)) == parts
