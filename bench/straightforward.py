"""The yardstick for the per-unit outputs: the same unit sheet written the obvious way."""

from __future__ import annotations

from pathlib import Path


def straightforward_unit_output(result, folder: Path, limit: int, as_sheets: bool) -> None:
    """The yardstick for the per-unit outputs: what a developer would write first.

    The same information as the product's unit sheet, in the layout the product had before it
    was made cheap (frozen here, so speeding up the product never speeds up the yardstick):
    title and subtitle; bordered info lines (unit code, file, report date, contact); the verdict
    and its reasons; the score table (header, a bold subtotal row per criterion with its floor,
    one row per indicator with all 10 columns, the total); the recognition conditions; the
    provisional notes and notes; the unit's problems; the signature block (a unit without a
    usable file gets its status, its files and its problems). Written plainly with xlsxwriter:
    `ws.write` per cell, `merge_range` for every spanning cell, formats created with
    `wb.add_format` for each sheet (its own formats), row heights from a character count, and a
    bar chart per unit (points against the maximum per criterion). A sheet per unit in one
    workbook (`as_sheets`, like the product's consolidated workbook) or a workbook per unit,
    one process, one unit after the other. Same workbook options as the product.
    """
    import math

    import xlsxwriter

    from pipeline.core.model import NOT_SUBMITTED, REJECTED, SUBMITTED
    from pipeline.core.problems import SEVERITY_LABEL
    from pipeline.core.text import date_text, number_text, on_time_text, place_name
    from pipeline.core.verdict import SOURCE_LABEL
    from pipeline.steps.season import files_by_unit
    from pipeline.writers.workbook import sheet_names
    from pipeline.writers.xlsx import workbook_options

    widths = [5.5, 34, 6.5, 6.5, 6, 9.5, 18, 17, 15, 18]
    headers = [
        "Mã",
        "Nội dung",
        "Điểm tối đa",
        "Điểm",
        "% tối đa",
        "Nguồn điểm",
        "Cách tính",
        "Số liệu",
        "Minh chứng",
        "Vấn đề trong dòng",
    ]
    colours = {
        "ok": ("#C6EFCE", "#006100"),
        "bad": ("#FFC7CE", "#9C0006"),
        "warn": ("#FFEB9C", "#9C5700"),
        "grey": ("#E7E6E6", "#3A3838"),
    }

    def height(texts) -> float:  # (text, column width, font size): 15 points a line
        lines = 1
        for text, width, size in texts:
            per_line = max(width * 11 / size, 1)
            lines = max(lines, sum(max(1, math.ceil(len(p) / per_line)) for p in str(text).split("\n")))
        return lines * 15

    cfg, rs = result.config, result.rule_set
    place = cfg.signature.place or place_name(cfg.area)
    folder.mkdir(parents=True, exist_ok=True)
    names = sheet_names(result, set())
    unit_files = files_by_unit(result)
    book = xlsxwriter.Workbook(str(folder / "units.xlsx"), workbook_options()) if as_sheets else None
    for outcome in result.units[:limit]:
        code = outcome.unit.code
        wb = book or xlsxwriter.Workbook(str(folder / f"{code}.xlsx"), workbook_options())
        ws = wb.add_worksheet(names[code])

        # This sheet's formats.
        base = {"font_name": "Times New Roman", "font_size": 11, "valign": "top"}

        def new(**props):
            return wb.add_format({**base, **props})

        f_title = new(bold=True, font_size=14, align="center", valign="vcenter", text_wrap=True)
        f_subtitle = new(italic=True, align="center", text_wrap=True)
        f_head = new(bold=True, bg_color="#DDEBF7", border=1, text_wrap=True, align="center", valign="vcenter")
        f_section = new(bold=True, font_size=12)
        f_label = new(border=1, bold=True)
        f_text = new(border=1, text_wrap=True)
        f_center = new(border=1, align="center")
        f_small = new(border=1, text_wrap=True, font_size=9)
        f_pts = new(border=1, num_format="0.00")
        f_pct = new(border=1, num_format="0%")
        f_big = new(border=1, bold=True, font_size=16, valign="vcenter")
        f_group = new(border=1, bold=True, bg_color="#F2F2F2")
        f_group_text = new(border=1, bold=True, bg_color="#F2F2F2", text_wrap=True)
        f_group_center = new(border=1, bold=True, bg_color="#F2F2F2", align="center")
        f_group_pts = new(border=1, bold=True, bg_color="#F2F2F2", num_format="0.00")
        f_group_pct = new(border=1, bold=True, bg_color="#F2F2F2", num_format="0%")
        f_points = new(border=1, bold=True, num_format="0.00")
        f_points_zero = new(
            border=1, bold=True, num_format="0.00", bg_color=colours["bad"][0], font_color=colours["bad"][1]
        )
        f_source = new(border=1, text_wrap=True, align="center")
        f_sign_title = new(bold=True, align="center")
        f_sign_note = new(italic=True, align="center")

        def tones(names, **props):  # one format per status colour
            return {t: new(**props, bg_color=colours[t][0], font_color=colours[t][1]) for t in names}

        f_severity = tones(("bad", "warn"), border=1, align="center")
        f_verdict = tones(
            ("ok", "bad", "grey", "warn"), border=1, bold=True, font_size=16, valign="vcenter", align="center"
        )
        f_tone_text = tones(("ok", "bad", "warn"), border=1, text_wrap=True)
        f_floor = tones(("ok", "bad"), border=1, bold=True)
        f_result = tones(("ok", "bad"), border=1, bold=True, align="center")
        f_note_label = new(border=1, bold=True, bg_color=colours["warn"][0], font_color=colours["warn"][1])
        f_small_warn = new(
            border=1, text_wrap=True, font_size=9, bg_color=colours["warn"][0], font_color=colours["warn"][1]
        )

        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        title = f"KẾT QUẢ ĐÁNH GIÁ CHUẨN TIẾP CẬN PHÁP LUẬT — {outcome.unit.full_name} — năm {cfg.year}"
        ws.merge_range(0, 0, 0, 9, title, f_title)
        ws.set_row(0, height([(title, 136, 14)]) + 4)
        ws.merge_range(
            1,
            0,
            1,
            9,
            f"{cfg.office_name} · Bộ tiêu chí {rs.id}" + (f" ({rs.decision})" if rs.decision else ""),
            f_subtitle,
        )
        row = 3

        def info(row, label, value, fmt=f_text):
            ws.merge_range(row, 0, row, 1, label, f_label)
            ws.merge_range(row, 2, row, 9, value, fmt)
            ws.set_row(row, height([(value, 96.5, 11)]))
            return row + 1

        def problems(row):
            ws.merge_range(row, 0, row, 9, "VẤN ĐỀ TRONG PHIẾU" + ("" if outcome.issues else ": không có"), f_section)
            if not outcome.issues:
                return row + 1
            row += 1
            for text, first, last in (
                ("Ô", 0, 0),
                ("Nội dung", 1, 1),
                ("Mức độ", 2, 3),
                ("Trang tính", 4, 5),
                ("Cách khắc phục", 6, 9),
            ):
                if first == last:
                    ws.write(row, first, text, f_head)
                else:
                    ws.merge_range(row, first, row, last, text, f_head)
            for i in outcome.issues:
                row += 1
                where = "\n".join(p for p in (i.sheet, i.file if i.file != outcome.file else "") if p)
                ws.write(row, 0, i.cell, f_center)
                ws.write(row, 1, i.message, f_text)
                ws.merge_range(
                    row,
                    2,
                    row,
                    3,
                    SEVERITY_LABEL.get(i.severity, i.severity),
                    f_severity["bad" if i.severity == "error" else "warn"],
                )
                ws.merge_range(row, 4, row, 5, where, f_small)
                ws.merge_range(row, 6, row, 9, i.fix, f_text)
                ws.set_row(row, height([(i.message, 34, 11), (where, 15.5, 9), (i.fix, 68, 11)]))
            return row + 1

        if outcome.status != SUBMITTED or outcome.verdict is None:
            if outcome.status == NOT_SUBMITTED:
                status, tone = "CHƯA NỘP PHIẾU", "grey"
                detail = (
                    f"Đến lúc lập báo cáo ({result.generated_at:%d/%m/%Y}) chưa nhận được phiếu tự đánh giá của đơn vị."
                )
            else:
                status, tone = "PHIẾU KHÔNG DÙNG ĐƯỢC", "warn"
                detail = "Mọi phiếu đơn vị gửi đều bị loại; xem lý do ở các tệp và vấn đề bên dưới."
            row = info(row, "Mã đơn vị", code)
            ws.merge_range(row, 0, row, 1, "KẾT QUẢ", f_big)
            ws.merge_range(row, 2, row, 9, status, f_verdict[tone])
            ws.set_row(row, 28)
            row = info(row + 1, "Ghi chú", detail)
            for f in unit_files.get(code, []):
                row = info(
                    row, "Tệp bị loại" if f.status == REJECTED else "Tệp", f.path + (f" — {f.note}" if f.note else "")
                )
            row = problems(row + 1)
            header_row = None
        else:
            v = outcome.verdict
            contact = " · ".join(p for p in (outcome.contact_name, outcome.contact_phone) if p) or "(không ghi)"
            row = info(row, "Mã đơn vị", code)
            row = info(row, "Tệp được dùng", outcome.file)
            row = info(
                row,
                "Ngày báo cáo",
                f"{date_text(outcome.report_date) or '(không ghi)'} — "
                f"{on_time_text(outcome.days_late)} (hạn {date_text(cfg.deadline)})",
            )
            row = info(row, "Người liên hệ", contact)
            # verdict and reasons
            row += 1
            tone = "ok" if v.recognised else "bad"
            label = "ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT" if v.recognised else "CHƯA ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT"
            label += " (TẠM TÍNH)" if v.provisional else ""
            ws.merge_range(row, 0, row, 1, "KẾT QUẢ", f_big)
            ws.merge_range(
                row, 2, row, 9, f"{label} — {number_text(v.total)}/{number_text(v.total_max)} điểm", f_verdict[tone]
            )
            ws.set_row(row, 28)
            for n, reason in enumerate([r.text for r in v.reasons] or ["Đáp ứng đủ các điều kiện công nhận."]):
                row = info(row + 1, "Lý do" if n == 0 else "", reason, f_tone_text[tone]) - 1
            # score table
            row += 2
            header_row = row
            for c, text in enumerate(headers):
                ws.write(row, c, text, f_head)
            ws.set_row(row, 32)
            for crit in v.criteria:
                row += 1
                ws.write(row, 0, crit.code, f_group_center)
                ws.write(row, 1, crit.name, f_group_text)
                ws.write(row, 2, crit.max, f_group_pts)
                ws.write(row, 3, crit.points, f_group_pts)
                ws.write(row, 4, crit.points / crit.max if crit.max else None, f_group_pct)
                ws.write(row, 5, "", f_group)
                if crit.floor is None:
                    floor = f"{crit.passed_count}/{crit.indicator_count} chỉ tiêu đạt: " + (
                        "✓ đạt" if crit.met else "✗ không đạt"
                    )
                else:
                    floor = f"Tối thiểu {number_text(crit.floor)} điểm: " + (
                        "✓ đạt" if crit.met else f"✗ không đạt (thiếu {number_text(crit.floor - crit.points)})"
                    )
                ws.merge_range(row, 6, row, 9, floor, f_floor["ok" if crit.met else "bad"])
                ws.set_row(row, height([(crit.name, 30, 11)]))
                for r in v.indicators:
                    if r.criterion != crit.code:
                        continue
                    row += 1
                    d = outcome.details.get(r.code)
                    parts = [d.figures] if d and d.figures else []
                    if d and (d.numerator is not None or d.denominator is not None):
                        parts.append(
                            f"Tử số {'—' if d.numerator is None else number_text(d.numerator)} / "
                            f"mẫu số {'—' if d.denominator is None else number_text(d.denominator)}"
                        )
                    if d and d.not_applicable:
                        parts.append("Không phát sinh")
                    if d and d.note:
                        parts.append(f"Ghi chú: {d.note}")
                    figures = "\n".join(parts)
                    evidence = d.evidence if d else ""
                    found = "\n".join(
                        i.message
                        for i in outcome.issues
                        if i.indicator == r.code or (not i.indicator and f"chỉ tiêu {r.code}" in i.message.lower())
                    )
                    name = rs.indicator(r.code).name
                    ws.write(row, 0, r.code, f_center)
                    ws.write(row, 1, name, f_text)
                    ws.write(row, 2, r.max, f_pts)
                    ws.write(row, 3, r.points, f_points_zero if r.counted_as_zero else f_points)
                    ws.write(row, 4, r.percent / 100 if r.percent is not None else None, f_pct)
                    ws.write(row, 5, SOURCE_LABEL.get(r.source, r.source), f_source)
                    ws.write(row, 6, r.basis, f_tone_text["bad"] if r.counted_as_zero else f_text)
                    ws.write(row, 7, figures, f_small)
                    ws.write(row, 8, evidence, f_small)
                    ws.write(row, 9, found, f_small_warn if found else f_small)
                    ws.set_row(
                        row,
                        height(
                            [(name, 34, 11), (r.basis, 18, 11), (figures, 17, 9), (evidence, 15, 9), (found, 18, 9)]
                        ),
                    )
            row += 1
            ws.merge_range(row, 0, row, 1, "TỔNG CỘNG", f_group_center)
            ws.write(row, 2, v.total_max, f_group_pts)
            ws.write(row, 3, v.total, f_group_pts)
            ws.write(row, 4, v.total / v.total_max if v.total_max else None, f_group_pct)
            ws.merge_range(row, 5, row, 9, "", f_group)
            # recognition conditions
            row += 2
            ws.merge_range(row, 0, row, 9, "ĐIỀU KIỆN CÔNG NHẬN", f_section)
            row += 1
            ws.merge_range(row, 0, row, 4, "Điều kiện", f_head)
            ws.write(row, 5, "Kết quả", f_head)
            ws.merge_range(row, 6, row, 9, "Chi tiết", f_head)
            for cond in v.conditions:
                row += 1
                ws.merge_range(row, 0, row, 4, cond.label, f_text)
                ws.write(row, 5, "Đạt" if cond.met else "Không đạt", f_result["ok" if cond.met else "bad"])
                ws.merge_range(row, 6, row, 9, cond.detail, f_text)
                ws.set_row(row, height([(cond.label, 58.5, 11), (cond.detail, 68, 11)]))
            row += 2
            # notes
            notes = [("Tạm tính", r.text, "warn") for r in v.provisional] + [("Ghi chú", r.text, "") for r in v.notes]
            if notes:
                ws.merge_range(row, 0, row, 9, "GHI CHÚ VỀ KẾT QUẢ", f_section)
                for label, text, note_tone in notes:
                    row += 1
                    ws.merge_range(row, 0, row, 1, label, f_note_label if note_tone else f_label)
                    ws.merge_range(row, 2, row, 9, text, f_tone_text[note_tone] if note_tone else f_text)
                    ws.set_row(row, height([(text, 96.5, 11)]))
                row += 2
            row = problems(row)
            # signatures
            row += 1
            ws.merge_range(row, 5, row, 9, f"{place}, ngày ...... tháng ...... năm ........", f_sign_note)
            ws.merge_range(row + 1, 0, row + 1, 3, "NGƯỜI LẬP BIỂU", f_sign_title)
            ws.merge_range(row + 1, 5, row + 1, 9, "TRƯỞNG PHÒNG TƯ PHÁP", f_sign_title)
            ws.merge_range(row + 2, 0, row + 2, 3, "(Ký, ghi rõ họ tên)", f_sign_note)
            ws.merge_range(row + 2, 5, row + 2, 9, "(Ký, ghi rõ họ tên, đóng dấu)", f_sign_note)
            for _ in range(5):
                row += 1
                ws.set_row(row + 2, 18)
            row += 2

        # printing: A4 portrait, one page wide, the table header repeated
        ws.set_paper(9)
        ws.set_portrait()
        ws.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
        if header_row is not None:
            ws.repeat_rows(header_row)
        ws.fit_to_pages(1, 0)
        ws.set_header("&L&8" + cfg.office_name.replace("&", "&&"))
        ws.set_footer("&L&8&A&R&8Trang &P/&N")
        ws.print_area(0, 0, row, 9)

        verdict = outcome.verdict
        if verdict is not None:  # a bar per criterion: points against the maximum
            data = len(verdict.criteria)
            for r, c in enumerate(verdict.criteria):
                ws.write_row(200 + r, 20, [c.code, c.max, c.points])
            chart = wb.add_chart({"type": "bar"})
            chart.add_series(
                {
                    "name": "Tối đa",
                    "categories": [ws.name, 200, 20, 199 + data, 20],
                    "values": [ws.name, 200, 21, 199 + data, 21],
                }
            )
            chart.add_series(
                {
                    "name": "Điểm",
                    "categories": [ws.name, 200, 20, 199 + data, 20],
                    "values": [ws.name, 200, 22, 199 + data, 22],
                }
            )
            chart.set_title({"name": f"Điểm từng tiêu chí — {outcome.unit.name}"})
            ws.insert_chart(0, 11, chart)
        if book is None:
            wb.close()
    if book is not None:
        book.close()
