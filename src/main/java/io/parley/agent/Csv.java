package io.parley.agent;

import java.io.IOException;
import java.io.Writer;

/** RFC 4180 CSV, safe to open in a spreadsheet (cells that would start a formula are quoted as text). */
final class Csv {

    private Csv() {
    }

    static void row(Writer w, Object... cells) throws IOException {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(cell(cells[i]));
        }
        w.write("\r\n");
    }

    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !(value instanceof Number)) {
            s = "'" + s; // =HYPERLINK(...) typed by a customer must stay text in Excel
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || !s.equals(value.toString())) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
