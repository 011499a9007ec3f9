"""The messages of issue 15 (part 2): the office's own mistakes answered in Vietnamese, saying
what to write instead: config.toml saved by Notepad with a BOM, TOML syntax errors, `--today`
in either date form, click's usage errors and help, and a points cell holding a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core import config as config_mod
from pipeline.core import rules
from pipeline.core.config import ConfigError
from tests import builders


def _office_with(tmp_path: Path, old: str, new: str) -> Path:
    path = builders.office(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def _problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config_mod.load(path)
    return caught.value.problems


def test_config_saved_by_notepad_with_a_bom_is_read(tmp_path):
    path = builders.office(tmp_path)
    plain = config_mod.load(path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Notepad's "UTF-8 with BOM"
    assert config_mod.load(path).units == plain.units


def test_rule_set_saved_with_a_bom_is_read(tmp_path):
    source = rules.resolve("qd25-2021")
    copy = tmp_path / "qd25-bom.toml"
    copy.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    assert rules.load(str(copy)).indicators == rules.load("qd25-2021").indicators


def test_a_day_first_date_says_how_dates_are_written(tmp_path):
    path = _office_with(tmp_path, "deadline = 2024-01-10", "deadline = 10/01/2024")
    line = _line_of(path, "deadline")
    assert _problems(path) == [
        f"dòng {line} (deadline = 10/01/2024): ngày viết dạng năm-tháng-ngày, không có ngoặc kép: deadline = 2024-01-10"
    ]


def test_text_without_quotes_says_text_goes_in_double_quotes(tmp_path):
    path = _office_with(tmp_path, 'name = "Phòng Tư pháp thị xã Bỉm Sơn"', "name = Phòng Tư pháp thị xã Bỉm Sơn")
    line = _line_of(path, "name = Phòng")
    assert _problems(path) == [
        f"dòng {line} (name = Phòng Tư pháp thị xã Bỉm Sơn): chữ phải đặt trong ngoặc kép: "
        'name = "Phòng Tư pháp thị xã Bỉm Sơn"'
    ]


def test_another_syntax_error_names_line_and_column_in_vietnamese(tmp_path):
    path = _office_with(tmp_path, "[assessment]", "[assessment")
    line = _line_of(path, "[assessment")
    (problem,) = _problems(path)
    assert problem.startswith(f"dòng {line}, cột 12 ([assessment): sai cú pháp; mỗi dòng viết dạng khóa = giá trị")
    assert "Expected" not in problem and "line" not in problem


def test_a_rule_set_syntax_error_is_vietnamese_too(tmp_path):
    broken = tmp_path / "hong.toml"
    broken.write_text('id = "hong"\nname = Bộ hỏng\n', encoding="utf-8")
    with pytest.raises(rules.RuleSetError) as caught:
        rules.load(str(broken))
    assert (
        caught.value.problem
        == 'tệp TOML không hợp lệ: dòng 2 (name = Bộ hỏng): chữ phải đặt trong ngoặc kép: name = "Bộ hỏng"'
    )


# ------------------------------------------------------------------ the command line in Vietnamese
# click's usage errors and help, translated through its gettext hooks (pipeline/cli.py CLICK_VI);
# usage errors exit 2, as click always did (README, "Exit codes").


def _usage(*args: str) -> tuple[int, str]:
    result = builders.run_cli(*args)
    return result.exit_code, result.output


def test_a_mistyped_command_is_answered_in_vietnamese():
    assert _usage("consolidat") == (
        2,
        "Cách dùng: tcpl [TÙY_CHỌN] LỆNH [ĐỐI_SỐ]...\n"
        "Xem hướng dẫn: tcpl --help\n\n"
        "Lỗi: Không có lệnh 'consolidat'. Có phải là 'consolidate'?\n",
    )


def test_an_unknown_option_and_a_missing_argument():
    assert _usage("template", "--cofig", "x.toml") == (
        2,
        "Cách dùng: tcpl template [TÙY_CHỌN]\n"
        "Xem hướng dẫn: tcpl template --help\n\n"
        "Lỗi: Không có tùy chọn '--cofig'. Có phải là '--config'?\n",
    )
    assert _usage("rules", "export") == (
        2,
        "Cách dùng: tcpl rules export [TÙY_CHỌN] BỘ_TIÊU_CHÍ\n"
        "Xem hướng dẫn: tcpl rules export --help\n\n"
        "Lỗi: Thiếu đối số 'BỘ_TIÊU_CHÍ'.\n",
    )
    assert _usage("consolidate", "--config")[1].endswith("Lỗi: Tùy chọn '--config' cần một giá trị.\n")
    assert _usage("template", "thua")[1].endswith("Lỗi: Thừa đối số (thua)\n")
    assert _usage()[1].startswith("Cách dùng: tcpl [TÙY_CHỌN] LỆNH [ĐỐI_SỐ]...\n")  # no command: the help


@pytest.mark.parametrize("typed", ["31/02/2024", "07/13/2024", "2024-1-32", "hôm qua", ""])
def test_a_day_that_is_not_a_date_says_both_forms(typed):
    code, output = _usage("consolidate", "--today", typed)
    assert (code, output.splitlines()[-1]) == (
        2,
        f"Lỗi: Giá trị không hợp lệ cho '--today': {typed!r} không phải là một ngày; "
        "viết dạng ngày/tháng/năm (07/01/2024) hoặc năm-tháng-ngày (2024-01-07).",
    )


def test_demo_with_other_folders_is_refused(tmp_path):
    code, output = _usage("appraisal-form", "--demo", "--inputs", str(tmp_path))
    assert (code, output.splitlines()[-1]) == (2, "Lỗi: Dùng --demo hoặc --inputs / --outputs, không dùng cùng lúc.")


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["template"],
        ["consolidate"],
        ["appraisal-form"],
        ["demo"],
        ["rules"],
        ["rules", "export"],
        ["rules", "import"],
    ],
)
def test_help_has_no_english_left(args):
    code, output = _usage(*args, "--help")
    assert code == 0
    assert "Hiện hướng dẫn này rồi thoát." in output and output.startswith("Cách dùng: tcpl")
    for english in ("Usage", "Options", "Commands", "Show this", "[default", "FILE", "DIRECTORY", "%Y", "Error"):
        assert english not in output, (english, output)


def test_the_version_and_the_defaults_read_in_vietnamese():
    assert _usage("--version") == (0, "tcpl, phiên bản 0.1.0\n")
    help_text = _usage("consolidate", "--help")[1]
    assert "--config TỆP       Tệp cấu hình (mặc định: config.toml).\n" in help_text


def test_the_catalogue_follows_click():
    """Every message id of the catalogue is one click still prints, and every text click can show
    a user is in the catalogue: a click upgrade that rewords one fails here, not on the office PC."""
    import ast

    import click

    from pipeline import cli

    found: set[str] = set()
    found_plural: set[tuple[str, str]] = set()
    for name in cli.CLICK_MODULES:
        tree = ast.parse((Path(click.__file__).parent / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and texts:
                found.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) == 2:
                found_plural.add((texts[0], texts[1]))
    # Messages only a programmer declaring options can meet (or click's own deprecation notices).
    for_programmers = {
        "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
        "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
        "Could not determine name for option with declarations {decls!r}",
        "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
        "Did you mean to pass '--{name}'?",
        "Arguments take exactly one parameter declaration, got {length}: {decls}.",
        "Name '{name}' defined twice",
        "Boolean option {decl!r} cannot use the same flag for true/false.",
        "Invalid start character for option ({option})",
        "Choice({choices})",
        "Unknown color {colour!r}",
    }
    found.add("required")  # passed to _ through a variable: the "[required]" mark of an option's help
    assert set(cli.CLICK_VI) - found == set()
    assert set(cli.CLICK_VI_PLURAL) - found_plural == set()
    assert found - set(cli.CLICK_VI) - for_programmers == set()
    assert found_plural - set(cli.CLICK_VI_PLURAL) == set()


# ------------------------------------------------------------------ --today in both forms, on the demo


@pytest.fixture(scope="module")
def demo_office(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-office")
    cfg = builders.office(root)
    result = builders.run_cli("demo", "--config", str(cfg))
    assert result.exit_code == 0, result.output
    return cfg


def _deadline_line(output: str) -> str:
    return next(line for line in output.splitlines() if "hạn nộp phiếu" in line)


def test_today_is_read_day_first_or_year_first(demo_office):
    runs = [
        builders.run_cli("consolidate", "--config", str(demo_office), "--demo", "--today", day)
        for day in ("07/01/2024", "7.1.2024", "2024-01-07")
    ]
    assert [r.exit_code for r in runs] == [0, 0, 0]
    lines = {_deadline_line(r.output) for r in runs}
    assert len(lines) == 1 and lines.pop().startswith("Còn 3 ngày đến hạn nộp phiếu (10/01/2024)")


def test_the_demo_says_how_to_go_on_and_that_works(demo_office):
    out = builders.run_cli("appraisal-form", "--config", str(demo_office), "--demo")
    assert out.exit_code == 0, out.output
    demo_council = demo_office.parent / "demo" / "tham-dinh"  # the council's folder, beside the demo's inputs
    book = demo_office.parent / "outputs" / "demo" / "tham-dinh" / "bim-son-2023-tham-dinh.xlsx"
    assert book.exists()
    assert f"chép tệp đã điền vào {demo_council} rồi chạy lại tổng hợp (make consolidate ARGS=--demo)." in out.output


def test_the_demo_ends_with_its_next_steps(tmp_path):
    result = builders.run_cli("demo", "--config", str(builders.office(tmp_path)))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "Thử tiếp trên dữ liệu mẫu: lập phiếu thẩm định bằng make appraisal-form ARGS=--demo "
        "(tcpl appraisal-form --demo; trên Windows 4-thu-demo.bat lập luôn); "
        "tổng hợp lại bằng make consolidate ARGS=--demo."
    )
