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

LOG_NAME = "tcpl-loi.log"
OUTPUTS_KEY = "tcpl.outputs"  # ctx.meta: the outputs folder, once the configuration is loaded

HELP_CONFIG = "Tệp cấu hình (mặc định: config.toml)."
HELP_INPUTS = "Thư mục chứa phiếu của các xã (ghi đè [paths] inputs)."
HELP_OUTPUTS = "Thư mục ghi kết quả (ghi đè [paths] outputs)."


def _load_config(config_path: str, inputs: str | None, outputs: str | None):
    from pipeline.core.config import load

    cfg = load(Path(config_path))
    cfg = cfg.with_paths(Path(inputs) if inputs else None, Path(outputs) if outputs else None)
    click.get_current_context().meta[OUTPUTS_KEY] = cfg.outputs  # where an unexpected error is logged
    return cfg


def common_options(func):
    func = click.option("--outputs", "outputs", type=click.Path(file_okay=False), help=HELP_OUTPUTS)(func)
    func = click.option("--inputs", "inputs", type=click.Path(file_okay=False), help=HELP_INPUTS)(func)
    func = click.option(
        "--config",
        "config_path",
        default="config.toml",
        show_default=True,
        type=click.Path(dir_okay=False),
        help=HELP_CONFIG,
    )(func)
    return func


class SafeGroup(click.Group):
    """Runs a subcommand so that no traceback ever reaches the user: the one place where
    run-ending errors (TcplError) become a one-line message, exit 1, and anything else is
    logged, exit 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except TcplError as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            raise _unexpected(exc, ctx.meta.get(OUTPUTS_KEY)) from None


@click.group(cls=SafeGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


HELP_TODAY = "Ngày dùng để tính số ngày còn lại đến hạn nộp, dạng YYYY-MM-DD (mặc định: hôm nay)."


def _today_option(func):
    return click.option("--today", "today", type=click.DateTime(formats=["%Y-%m-%d"]), help=HELP_TODAY)(func)


@cli.command()
@common_options
@_today_option
def consolidate(config_path: str, inputs: str | None, outputs: str | None, today) -> None:
    """Tổng hợp mọi phiếu trong thư mục inputs/ thành sổ tổng hợp trong outputs/."""
    from pipeline.app.run import consolidate as run_consolidate

    cfg = _load_config(config_path, inputs, outputs)
    click.echo(f"Đang tổng hợp phiếu trong {cfg.inputs} ...", err=True)
    outputs_ = run_consolidate(cfg, progress=_progress())
    _summary(outputs_, _day(today))


@cli.command("appraisal-form")
@common_options
def appraisal_form(config_path: str, inputs: str | None, outputs: str | None) -> None:
    """Lập phiếu thẩm định cho Hội đồng (outputs/tham-dinh/) từ các phiếu hiện có trong inputs/."""
    from pipeline.app.appraisal import appraisal_path, write_appraisal_form
    from pipeline.app.run import collect
    from pipeline.infra.lock import run_lock

    cfg = _load_config(config_path, inputs, outputs)
    click.echo(f"Đang đọc phiếu trong {cfg.inputs} ...", err=True)
    with run_lock(cfg.outputs):
        result = collect(cfg, progress=_progress())
        path = write_appraisal_form(result, appraisal_path(cfg), guard=True)
    units = sum(1 for u in result.units if u.status == "submitted" and u.verdict is not None)
    click.echo(f"Đã lập phiếu thẩm định cho {units}/{len(result.units)} đơn vị có phiếu dùng được: {path}")
    if result.appraisal_file:
        click.echo(f"Đã điền sẵn điểm thẩm định có trong {result.appraisal_file}.")
    click.echo(
        'Hội đồng nhập cột "Điểm thẩm định" (để trống: giữ điểm tự chấm) và "Ghi chú của Hội đồng"; '
        "chép tệp đã điền vào thư mục inputs/ rồi chạy lại tổng hợp (make consolidate)."
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
@click.argument("rule_set")
@click.option(
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    help="Tệp .xlsx sẽ ghi (mặc định: outputs/bo-tieu-chi-<mã>.xlsx).",
)
@click.option("--config", "config_path", default="config.toml", type=click.Path(dir_okay=False), help=HELP_RULES_CONFIG)
def rules_export(rule_set: str, output: str | None, config_path: str) -> None:
    """Ghi sổ bộ tiêu chí RULE_SET (mã, ví dụ qd25-2021, hoặc đường dẫn tệp .toml) để văn phòng đối chiếu."""
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
@click.argument("book", type=click.Path(dir_okay=False))
@click.option(
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    help="Tệp .toml sẽ ghi (mặc định: rulesets/<mã>.toml bên cạnh config.toml).",
)
@click.option("--config", "config_path", default="config.toml", type=click.Path(dir_okay=False), help=HELP_RULES_CONFIG)
def rules_import(book: str, output: str | None, config_path: str) -> None:
    """Kiểm tra sổ bộ tiêu chí BOOK và ghi thành bộ tiêu chí của văn phòng."""
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


def _day(today) -> dt.date:
    return today.date() if today is not None else dt.date.today()


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
    if out.feedback:
        click.echo(f"Phiếu phản hồi cho {len(out.feedback)} đơn vị: {out.feedback[0].parent}")


class UnexpectedError(click.ClickException):
    exit_code = 2


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
    return UnexpectedError(f"lỗi không mong đợi ({type(exc).__name__}: {exc}). {where}")


def main() -> None:
    cli(prog_name="tcpl")


if __name__ == "__main__":
    main()
