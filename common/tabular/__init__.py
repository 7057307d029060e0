"""Reading an uploaded CSV or XLSX file safely: its caps and refusals (`file_limits`), the upload stopped at
its size while it arrives (`uploads`), the CSV's encoding (`csv_decoding`), the workbook's archive and first
sheet (`xlsx_archive`, `xlsx_sheet`), and the header row with the rows below it (`file_table.read_table`).
Used by the imports and by the register's screening of names; no model, no app."""
