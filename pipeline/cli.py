"""Command line: `python -m pipeline …` or `tcpl …`. Thin on purpose: parse options, call one
library function, turn known errors into one line and an exit code. Heavy libraries (pandas,
great-expectations) are imported inside the commands, so `--help` answers at once.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import traceback
from pathlib import Path

import click

from pipeline import __version__
from pipeline.core.errors import TcplError

# ------------------------------------------------------------------ click in Vietnamese
# click marks every text it prints with gettext (`_` and `ngettext`, imported into each of its
# modules) and ships no translations. The office reads only Vietnamese, so the CLI sets those
# two hooks in click's modules to this catalogue before any command is declared. Keys are
# click 8.5's own message ids (a test checks each still occurs in click and that every
# user-facing one is here); an id missing from the catalogue stays English rather than fail.
CLICK_VI: dict[str, str] = {
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: {command} {option}",
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Đối số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "env var: {var}": "biến môi trường: {var}",
    "(dynamic)": "(tính lúc chạy)",
    "deprecated": "không còn dùng",
    "Aborted!": "Đã dừng.",
    "Missing command.": "Thiếu tên lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "Đối số {name!r} cần {nargs} giá trị.",
    "Value must be an iterable.": "Giá trị phải là một danh sách.",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là số hợp lệ.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} không phải có / không. Viết một trong: {states}",
    "{value!r} is not a valid UUID.": "{value!r} không phải mã UUID hợp lệ.",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "{name} {filename!r} does not exist.": "Không có {name} {filename!r}.",
    "{name} {filename!r} is a file.": "{filename!r} là tệp, cần một thư mục.",
    "{name} {filename!r} is a directory.": "{filename!r} là thư mục, cần một tệp.",
    "{name} {filename!r} is not readable.": "Không đọc được {name} {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được vào {name} {filename!r}.",
    "{name} {filename!r} is not executable.": "Không chạy được {name} {filename!r}.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "unknown error": "lỗi không rõ",
    "Do you want to continue?": "Tiếp tục?",
    "Confirm the action without prompting.": "Xác nhận luôn, không hỏi lại.",
    "Press any key to continue...": "Nhấn một phím để tiếp tục...",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The two entered values do not match.": "Lỗi: hai lần nhập không khớp nhau.",
    "Error: invalid input": "Lỗi: giá trị không hợp lệ",
}
# ngettext ids: (singular, plural) -> (singular, plural); Vietnamese nouns do not inflect.
CLICK_VI_PLURAL: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Thừa đối số ({args})",
        "Thừa đối số ({args})",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Có phải là {possibility}?",
        "(Có phải là một trong: {possibilities}?)",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Tùy chọn {name!r} cần một giá trị.",
        "Tùy chọn {name!r} cần {nargs} giá trị.",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Cần {nargs} giá trị nhưng chỉ có 1.",
        "Cần {nargs} giá trị nhưng có {len}.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} không phải {choice}.",
        "{value!r} không phải một trong {choices}.",
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r} không đúng dạng {format}.",
        "{value!r} không đúng dạng nào trong {formats}.",
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): (
        "Cần {len_type} giá trị, nhưng có {len_value}.",
        "Cần {len_type} giá trị, nhưng có {len_value}.",
    ),
}
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")


def _vi(message: str) -> str:
    return CLICK_VI.get(message, message)


def _vi_plural(singular: str, plural: str, n: int) -> str:
    one, many = CLICK_VI_PLURAL.get((singular, plural), (singular, plural))
    return one if n == 1 else many


def _speak_vietnamese() -> None:
    import importlib

    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _vi  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _vi_plural  # type: ignore[attr-defined]


_speak_vietnamese()

# Exit codes (README, "Exit codes"): 0 done; 1 a known problem the office can fix ("Lỗi: …");
# 2 the command did not run: a wrong command line (click's usage errors, with the usage) or an
# unexpected failure (with the log's path).
EXIT_PROBLEM, EXIT_USAGE_OR_UNEXPECTED = 1, 2

LOG_NAME = "tcpl-loi.log"
OUTPUTS_KEY = "tcpl.outputs"  # ctx.meta: the outputs folder, once the configuration is loaded

HELP_CONFIG = "Tệp cấu hình (mặc định: config.toml)."
HELP_INPUTS = "Thư mục chứa phiếu của các xã (ghi đè [paths] inputs)."
HELP_OUTPUTS = "Thư mục ghi kết quả (ghi đè [paths] outputs)."
HELP_DEMO = "Dùng dữ liệu mẫu của lệnh demo (thư mục demo/inputs, kết quả vào outputs/demo) để thử."
FILE, FOLDER = "TỆP", "THƯ_MỤC"  # option metavars, as --help shows them


def _load_config(config_path: str, inputs: str | None, outputs: str | None, demo: bool = False):
    from pipeline.core.config import load

    if demo and (inputs or outputs):
        raise click.UsageError("Dùng --demo hoặc --inputs / --outputs, không dùng cùng lúc.")
    cfg = load(Path(config_path))
    if demo:  # where `tcpl demo` put its submissions and its results
        cfg = cfg.with_paths(cfg.demo / "inputs", cfg.outputs / "demo")
    cfg = cfg.with_paths(Path(inputs) if inputs else None, Path(outputs) if outputs else None)
    click.get_current_context().meta[OUTPUTS_KEY] = cfg.outputs  # where an unexpected error is logged
    return cfg


def common_options(func):
    func = click.option("--outputs", "outputs", type=click.Path(file_okay=False), metavar=FOLDER, help=HELP_OUTPUTS)(
        func
    )
    func = click.option("--inputs", "inputs", type=click.Path(file_okay=False), metavar=FOLDER, help=HELP_INPUTS)(func)
    func = click.option(
        "--config",
        "config_path",
        default="config.toml",
        type=click.Path(dir_okay=False),
        metavar=FILE,
        help=HELP_CONFIG,  # says its default in words: no "[mặc định: …]" after it
    )(func)
    return func


def _demo_option(func):
    return click.option("--demo", "demo", is_flag=True, help=HELP_DEMO)(func)


class Command(click.Command):
    """A subcommand whose usage line reads in Vietnamese."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        super().__init__(*args, **kwargs)


class SafeGroup(click.Group):
    """Runs a subcommand so that no traceback ever reaches the user: the one place where
    run-ending errors (TcplError) become a one-line message, exit 1, and anything else is
    logged, exit 2."""

    command_class = Command
    group_class = type  # `rules` is a SafeGroup too

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        kwargs.setdefault("subcommand_metavar", "LỆNH [ĐỐI_SỐ]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except TcplError as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            raise _unexpected(exc, ctx.meta.get(OUTPUTS_KEY)) from None


@click.group("tcpl", cls=SafeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tcpl")
def cli() -> None:
    """tcpl - tổng hợp, kiểm tra, chấm điểm phiếu tự đánh giá chuẩn tiếp cận pháp luật của các xã, phường.

    \b
    Thứ tự thường dùng:
      tcpl template      tạo mẫu phiếu gửi các xã
      tcpl consolidate   tổng hợp các phiếu trong inputs/ ra outputs/
      tcpl appraisal-form  lập phiếu thẩm định cho Hội đồng từ lần tổng hợp mới nhất
      tcpl demo          chạy thử với dữ liệu mẫu
      tcpl rules export / import  đối chiếu, xác nhận bộ tiêu chí bằng sổ Excel
      tcpl reports --period 6-thang  tổng hợp báo cáo định kỳ của các xã (6-thang hoặc nam)
    """


@cli.command()
@common_options
def template(config_path: str, inputs: str | None, outputs: str | None) -> None:
    """Tạo mẫu phiếu trống và mẫu phiếu điền sẵn cho từng đơn vị (vào outputs/mau-phieu/)."""
    from pipeline.writers.form import write_templates

    cfg = _load_config(config_path, inputs, outputs)
    folder = cfg.outputs / "mau-phieu"
    paths = write_templates(cfg, cfg.load_rule_set(), folder)
    click.echo(f"Đã tạo {len(paths)} mẫu phiếu trong {folder}:")
    for p in paths:
        click.echo(f"  {p.name}")


HELP_TODAY = (
    "Ngày dùng để tính số ngày còn lại đến hạn nộp, dạng ngày/tháng/năm (07/01/2024) "
    "hoặc năm-tháng-ngày (2024-01-07) (mặc định: hôm nay)."
)


class Day(click.ParamType):
    """A day as the office writes it: 07/01/2024 (also 7.1.2024, 07-01-2024) or 2024-01-07,
    read by the same parser as a form's report date."""

    name = "ngày"

    def convert(self, value, param, ctx) -> dt.date:
        if isinstance(value, dt.date):
            return value
        from pipeline.steps.values import parse_date

        day, ok = parse_date(str(value))
        if day is None or not ok:
            self.fail(
                f"{value!r} không phải là một ngày; viết dạng ngày/tháng/năm (07/01/2024) "
                "hoặc năm-tháng-ngày (2024-01-07).",
                param,
                ctx,
            )
        return day


def _today_option(func):
    return click.option("--today", "today", type=Day(), metavar="NGÀY", help=HELP_TODAY)(func)


@cli.command()
@common_options
@_demo_option
@_today_option
def consolidate(config_path: str, inputs: str | None, outputs: str | None, demo: bool, today) -> None:
    """Tổng hợp mọi phiếu trong thư mục inputs/ thành sổ tổng hợp trong outputs/."""
    from pipeline.app.run import consolidate as run_consolidate

    cfg = _load_config(config_path, inputs, outputs, demo)
    click.echo(f"Đang tổng hợp phiếu trong {cfg.inputs} ...", err=True)
    outputs_ = run_consolidate(cfg, progress=_progress())
    _summary(outputs_, _day(today))


@cli.command("appraisal-form")
@common_options
@_demo_option
def appraisal_form(config_path: str, inputs: str | None, outputs: str | None, demo: bool) -> None:
    """Lập phiếu thẩm định cho Hội đồng (outputs/tham-dinh/) từ các phiếu hiện có trong inputs/."""
    from pipeline.app.appraisal import appraisal_path, write_appraisal_form
    from pipeline.app.run import collect
    from pipeline.infra.lock import run_lock

    cfg = _load_config(config_path, inputs, outputs, demo)
    click.echo(f"Đang đọc phiếu trong {cfg.inputs} ...", err=True)
    with run_lock(cfg.outputs):
        result = collect(cfg, progress=_progress())
        path = write_appraisal_form(result, appraisal_path(cfg), guard=True)
    units = sum(1 for u in result.units if u.status == "submitted" and u.verdict is not None)
    click.echo(f"Đã lập phiếu thẩm định cho {units}/{len(result.units)} đơn vị có phiếu dùng được: {path}")
    if result.appraisal_file:
        click.echo(f"Đã điền sẵn điểm thẩm định có trong {result.appraisal_file}.")
    again = "make consolidate ARGS=--demo" if demo else "make consolidate, trên Windows 3-tong-hop.bat"
    click.echo(
        'Hội đồng nhập cột "Điểm thẩm định" (để trống: giữ điểm tự chấm) và "Ghi chú của Hội đồng"; '
        f"chép tệp đã điền vào {cfg.appraisal} rồi chạy lại tổng hợp ({again})."
    )


@cli.command()
@common_options
def demo(config_path: str, inputs: str | None, outputs: str | None) -> None:
    """Tạo phiếu mẫu của các đơn vị (dữ liệu giả), tổng hợp và chỉ ra sổ tổng hợp."""
    from pipeline.app.demo import make_demo
    from pipeline.app.run import consolidate as run_consolidate

    cfg = _load_config(config_path, inputs, outputs)
    demo_inputs = make_demo(cfg, cfg.demo / "inputs")
    cfg = cfg.with_paths(demo_inputs, Path(outputs) if outputs else cfg.outputs / "demo")
    click.echo(f"Đã tạo phiếu mẫu trong {demo_inputs}", err=True)
    out = run_consolidate(cfg, progress=_progress())
    _summary(out, out.result.generated_at.date())  # the demo's own calendar, not today's
    click.echo(
        "Thử tiếp trên dữ liệu mẫu: lập phiếu thẩm định bằng make appraisal-form ARGS=--demo "
        "(tcpl appraisal-form --demo; trên Windows 4-thu-demo.bat lập luôn); "
        "tổng hợp lại bằng make consolidate ARGS=--demo."
    )


HELP_PERIOD = "Kỳ báo cáo: 6-thang (6 tháng đầu năm) hoặc nam (cả năm)."


@cli.command()
@click.option("--period", "period", required=True, type=click.Choice(["6-thang", "nam"]), help=HELP_PERIOD)
@click.option("--template", "template_", is_flag=True, help="Lập mẫu báo cáo gửi các xã (vào outputs/mau-bao-cao/).")
@click.option(
    "--demo",
    "demo",
    is_flag=True,
    help="Tạo báo cáo mẫu của các đơn vị (dữ liệu giả) rồi tổng hợp vào outputs/demo/bao-cao/ để thử.",
)
@click.option(
    "--config", "config_path", default="config.toml", type=click.Path(dir_okay=False), metavar=FILE, help=HELP_CONFIG
)
@click.option(
    "--inputs",
    "inputs",
    type=click.Path(file_okay=False),
    metavar=FOLDER,
    help="Thư mục chứa báo cáo của các xã (ghi đè [reports] inputs).",
)
@click.option("--outputs", "outputs", type=click.Path(file_okay=False), metavar=FOLDER, help=HELP_OUTPUTS)
def reports(
    period: str, template_: bool, demo: bool, config_path: str, inputs: str | None, outputs: str | None
) -> None:
    """Tổng hợp báo cáo định kỳ (6 tháng, năm) của các xã, phường và lập dự thảo báo cáo gửi Sở Tư pháp."""
    from pipeline.app import reports as app
    from pipeline.core.report_layout import period_words

    if template_ and demo:
        raise click.UsageError("Dùng --template hoặc --demo, không dùng cùng lúc.")
    cfg = _load_config(config_path, None, outputs)
    words = period_words(period, cfg.year)
    if template_:
        paths = app.write_forms(cfg, period)
        click.echo(f"Đã tạo {len(paths)} mẫu báo cáo {words} trong {paths[0].parent}:")
        for p in paths:
            click.echo(f"  {p.name}")
        return
    folder = Path(inputs) if inputs else None
    out = None
    if demo:
        if inputs:
            raise click.UsageError("Dùng --demo hoặc --inputs, không dùng cùng lúc.")
        folder = app.make_report_demo(cfg, period, cfg.demo / f"bao-cao-{period}")
        out = (Path(outputs) if outputs else cfg.outputs / "demo") / "bao-cao"
        click.echo(f"Đã tạo báo cáo mẫu trong {folder}", err=True)
    done = app.run_reports(cfg, period, folder, out)
    r = done.result
    files = r.files
    click.echo(
        f"Đã đọc {len(files)} tệp: {sum(f.status == 'used' for f in files)} được dùng, "
        f"{sum(f.status == 'rejected' for f in files)} bị loại, "
        f"{sum(f.status == 'superseded' for f in files)} bị thay thế, "
        f"{sum(f.status == 'ignored' for f in files)} bỏ qua."
    )
    line = f"Báo cáo {words} (hạn {r.deadline:%d/%m/%Y}): {len(r.reports)}/{len(cfg.units)} đơn vị đã gửi"
    if r.late:
        line += f", {len(r.late)} nộp muộn (" + ", ".join(x.unit.full_name for x in r.late) + ")"
    if r.missing:
        line += f"; {len(r.missing)} chưa gửi (" + ", ".join(u.full_name for u in r.missing) + ")"
    click.echo(line + ".")
    errors = sum(1 for i in r.issues if i.severity == "error")
    click.echo(f"Vấn đề dữ liệu: {errors} lỗi, {len(r.issues) - errors} cảnh báo (xem trang Lỗi dữ liệu).")
    click.echo(f"Sổ tổng hợp báo cáo: {done.workbook}")
    click.echo(f"Dự thảo báo cáo gửi Sở Tư pháp (Word): {done.document}")


@cli.group()
def rules() -> None:
    """Đối chiếu và xác nhận bộ tiêu chí bằng sổ Excel: xuất ra, sửa, nhập lại."""


HELP_RULES_CONFIG = (
    "Tệp cấu hình; thư mục rulesets/ bên cạnh nó chứa bộ tiêu chí của văn phòng (mặc định: config.toml)."
)


def _office_folder(config_path: str) -> Path:
    """The folder of config.toml (where rulesets/ lives), whether or not the file exists yet."""
    return Path(config_path).resolve().parent


@rules.command("export")
@click.argument("rule_set", metavar="BỘ_TIÊU_CHÍ")
@click.option(
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    metavar=FILE,
    help="Tệp .xlsx sẽ ghi (mặc định: outputs/bo-tieu-chi-<mã>.xlsx).",
)
@click.option(
    "--config",
    "config_path",
    default="config.toml",
    type=click.Path(dir_okay=False),
    metavar=FILE,
    help=HELP_RULES_CONFIG,
)
def rules_export(rule_set: str, output: str | None, config_path: str) -> None:
    """Ghi sổ BỘ_TIÊU_CHÍ (mã, ví dụ qd25-2021, hoặc đường dẫn tệp .toml) để văn phòng đối chiếu."""
    from pipeline.app.rules import export_rule_set

    base = _office_folder(config_path)
    target = Path(output) if output else base / "outputs" / f"bo-tieu-chi-{Path(rule_set).stem}.xlsx"
    loaded, path = export_rule_set(rule_set, target, base)
    click.echo(f"Đã ghi sổ bộ tiêu chí {loaded.id} (từ {loaded.source_file}): {path}")
    provisional = loaded.provisional_figures
    if provisional:
        click.echo(f"Còn {len(provisional)} nhóm số liệu tạm tính: " + "; ".join(provisional) + ".")
    click.echo("Sửa ở các ô màu vàng, ghi Trạng thái và Căn cứ cho từng số liệu, rồi chạy: tcpl rules import <tệp>")


@rules.command("import")
@click.argument("book", type=click.Path(dir_okay=False), metavar="SỔ_EXCEL")
@click.option(
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    metavar=FILE,
    help="Tệp .toml sẽ ghi (mặc định: rulesets/<mã>.toml bên cạnh config.toml).",
)
@click.option(
    "--config",
    "config_path",
    default="config.toml",
    type=click.Path(dir_okay=False),
    metavar=FILE,
    help=HELP_RULES_CONFIG,
)
def rules_import(book: str, output: str | None, config_path: str) -> None:
    """Kiểm tra SỔ_EXCEL (sổ bộ tiêu chí đã sửa) và ghi thành bộ tiêu chí của văn phòng."""
    from pipeline.app.rules import import_rule_set

    done = import_rule_set(Path(book), _office_folder(config_path), Path(output) if output else None)
    verb = "Đã thay" if done.replaced else "Đã ghi"
    click.echo(f"{verb} bộ tiêu chí {done.rule_set.id} của văn phòng: {done.path}")
    provisional = done.rule_set.provisional_figures
    if provisional:
        click.echo("Còn tạm tính: " + "; ".join(provisional) + ".")
    else:
        click.echo(
            "Mọi số liệu đã đối chiếu" + (f" ({done.rule_set.confirmed_by})." if done.rule_set.confirmed_by else ".")
        )
    click.echo(f'Lần tổng hợp tới dùng bộ này khi config.toml ghi rule_set = "{done.rule_set.id}".')


def _progress():
    """A bar on a terminal, nothing otherwise (logs and pipes stay clean)."""
    if not sys.stderr.isatty():
        return None
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label="Đọc phiếu", file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(1)
        if done == total:
            state["bar"].__exit__(None, None, None)

    return update


def _day(today: dt.date | None) -> dt.date:
    return today if today is not None else dt.date.today()


def _summary(out, today: dt.date | None = None) -> None:
    from pipeline.steps.season import deadline_message

    c = out.result.counts
    files = out.result.files
    click.echo(
        f"Đã đọc {len(files)} tệp: {sum(f.status == 'used' for f in files)} được dùng, "
        f"{sum(f.status == 'rejected' for f in files)} bị loại, "
        f"{sum(f.status == 'superseded' for f in files)} bị thay thế, "
        f"{sum(f.status == 'ignored' for f in files)} bỏ qua."
    )
    click.echo(
        f"Đơn vị: {c['expected']} cần nộp, {c['submitted']} đã nộp, {c['not_submitted']} chưa nộp, "
        f"{c['late']} nộp muộn."
    )
    click.echo(
        f"Kết quả: {c['recognised']} Đạt, {c['not_recognised']} Chưa đạt. "
        f"Vấn đề dữ liệu: {c['errors']} lỗi, {c['warnings']} cảnh báo."
    )
    used = out.result.used_provisional_figures()
    if used:
        click.echo(
            "Lưu ý: KẾT QUẢ TẠM TÍNH - bộ tiêu chí có số liệu chưa đối chiếu văn bản gốc: " + "; ".join(used) + "."
        )
    if out.result.appraisal_file:
        appraised = sum(1 for u in out.result.units if u.appraisal)
        click.echo(f"Đã áp dụng điểm thẩm định của Hội đồng ({out.result.appraisal_file}) cho {appraised} đơn vị.")
    click.echo(deadline_message(out.result, today or dt.date.today()))
    click.echo(f"Sổ tổng hợp: {out.workbook}")
    click.echo(f"Bảng kết quả (CSV): {out.csv}")
    if out.documents:
        names = ", ".join(p.name for p in out.documents)
        click.echo(
            f"Văn bản Word (danh sách công nhận, dự thảo quyết định, báo cáo): {names} trong {out.workbook.parent}"
        )
    if out.feedback:
        click.echo(f"Phiếu phản hồi cho {len(out.feedback)} đơn vị: {out.feedback[0].parent}")


class UnexpectedError(click.ClickException):
    exit_code = EXIT_USAGE_OR_UNEXPECTED


def _unexpected(exc: Exception, outputs: Path | None) -> click.ClickException:
    """Anything but a TcplError is a bug: its traceback goes to tcpl-loi.log in the outputs
    folder (where the office looks for results) or, before there is one, the user's temp
    folder; never to the current folder, which on an office PC may be a system folder."""
    details = traceback.format_exc()
    where = "Không ghi được tệp nhật ký lỗi."
    folders = [outputs] if outputs is not None and outputs.is_dir() else []
    for folder in [*folders, Path(tempfile.gettempdir())]:
        log = (folder / LOG_NAME).resolve()
        try:
            log.write_text(details, encoding="utf-8")
        except OSError:
            continue
        where = f"Chi tiết kỹ thuật đã ghi vào {log}; xin gửi tệp này cho người hỗ trợ."
        break
    return UnexpectedError(f"sự cố không mong đợi ({type(exc).__name__}: {exc}). {where}")


def main() -> None:
    cli(prog_name="tcpl")


if __name__ == "__main__":
    main()
