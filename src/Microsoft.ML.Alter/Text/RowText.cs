using System.Globalization;

namespace Microsoft.ML.Alter.Text;

/// <summary>
/// The one rule for what counts as a row's text, shared by the core (training, validation, scoring) and the ML.NET layer,
/// so that a row accepted in one place is accepted everywhere.
/// </summary>
internal static class RowText
{
    /// <summary>
    /// True when <paramref name="text"/> holds at least one character that can become a token: not whitespace, not a
    /// control or format character (NUL, zero-width space, joiners, BOM), not U+FFFD and not half of a surrogate pair
    /// standing alone. Rows of only such characters would be encoded as [CLS] [SEP] and predict from nothing.
    /// </summary>
    public static bool IsUsable(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                return true;
            if (char.IsSurrogate(c) || c == '\uFFFD' || char.IsWhiteSpace(c))
                continue;
            var category = char.GetUnicodeCategory(c);
            if (category is not (UnicodeCategory.Control or UnicodeCategory.Format))
                return true;
        }
        return false;
    }

    /// <inheritdoc cref="IsUsable(ReadOnlySpan{char})"/>
    public static bool IsUsable(string? text) => text is not null && IsUsable(text.AsSpan());

    /// <summary>
    /// <paramref name="text"/> with every lone surrogate replaced by U+FFFD, as a UTF-8 decoder does: the tokenizer rejects
    /// invalid UTF-16 outright, and one such row in real data must not end a training run or a scoring cursor.
    /// </summary>
    public static string Repair(string text)
    {
        var bad = FirstLoneSurrogate(text);
        if (bad < 0)
            return text;
        var chars = text.ToCharArray();
        for (var i = bad; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                i++;
            else if (char.IsSurrogate(chars[i]))
                chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    /// <summary>
    /// The second text of a row, or null when it has no usable text: such a row is a single-sentence row (one model serves
    /// sentence and sentence-pair tasks together, and pair data often leaves the second column blank).
    /// </summary>
    public static string? SecondOrNull(string? text2) => IsUsable(text2) ? text2 : null;

    private static int FirstLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i]))
                continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else
                return i;
        }
        return -1;
    }
}
