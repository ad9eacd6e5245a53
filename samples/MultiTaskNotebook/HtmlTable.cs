using System.Globalization;
using System.Net;
using System.Text;

/// <summary>
/// Rows of objects as an HTML table for the notebook, one column per public property: a notebook shows a list of
/// anonymous objects as a tree per row, not as a table. Numbers are shown with 3 decimals.
/// </summary>
internal static class HtmlTable
{
    public static string Of<T>(IEnumerable<T> rows)
    {
        var columns = typeof(T).GetProperties();
        var html = new StringBuilder("<table><thead><tr>");
        foreach (var column in columns)
            html.Append($"<th>{WebUtility.HtmlEncode(column.Name)}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var column in columns)
            {
                var value = column.GetValue(row);
                var text = value is double or float ? string.Format(CultureInfo.InvariantCulture, "{0:F3}", value) : Convert.ToString(value, CultureInfo.InvariantCulture);
                var align = value is double or float or int or long ? " style=\"text-align:right\"" : "";
                html.Append($"<td{align}>{WebUtility.HtmlEncode(text)}</td>");
            }
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }
}
