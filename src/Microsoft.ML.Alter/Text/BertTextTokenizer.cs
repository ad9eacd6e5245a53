using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Alter.Text;

/// <summary>
/// WordPiece tokenization for BERT-family encoders (Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>), for single
/// texts and text pairs, truncated to a maximum length the way Hugging Face does (longest-first for pairs).
/// </summary>
/// <remarks>
/// Version 2 (<see cref="CurrentVersion"/>) splits words as BERT and Hugging Face do. Microsoft.ML.Tokenizers 2.0's own
/// pre-tokenization (version 1, which models saved before version 2 keep) deletes every symbol character (<c>$ + = &lt; &gt;
/// ^ ` | ~</c>, <c>£</c>, emoji: dotnet/machinelearning#7725) and joins words separated only by a line break or tab
/// (#7724): "$500" became "500", and "one", line feed, "line" became "one ##line".
/// </remarks>
internal sealed class BertTextTokenizer
{
    public const int DefaultMaxLength = 128;

    /// <summary>The tokenization rules new models use: BERT's word splitting.</summary>
    public const int CurrentVersion = 2;

    /// <summary>
    /// BERT's punctuation: every printable ASCII character that is not a letter or digit, and Unicode punctuation (P*).
    /// A word is a run of anything else that is not whitespace; other symbols (£, °, emoji) stay inside words, where
    /// WordPiece finds them or gives [UNK].
    /// </summary>
    private static readonly Regex BertWords = new(
        @"[^\s\p{P}\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E]+|[\p{P}\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E]", RegexOptions.Compiled);

    private readonly BertTokenizer _tokenizer;

    /// <param name="version">Tokenization rules: <see cref="CurrentVersion"/>, or 1 for models saved before it.</param>
    public BertTextTokenizer(string vocabulary, bool lowerCase, int maxLength = DefaultMaxLength, int version = CurrentVersion)
    {
        if (version is < 1 or > CurrentVersion)
            throw new ArgumentOutOfRangeException(nameof(version), version, $"Tokenization rules 1 to {CurrentVersion} exist; a newer library wrote this model.");
        if (maxLength < 3)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "The maximum length must leave room for [CLS], a token and [SEP].");
        using var vocab = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(vocabulary), writable: false);
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = lowerCase,
            // Hugging Face strips accents whenever it lowercases (strip_accents defaults to do_lower_case).
            RemoveNonSpacingMarks = lowerCase,
        };
        if (version >= 2)
            options.PreTokenizer = new RegexPreTokenizer(BertWords, specialTokens: null);
        _tokenizer = BertTokenizer.Create(vocab, options);
        Version = version;
        Vocabulary = vocabulary;
        LowerCase = lowerCase;
        MaxLength = maxLength;
    }

    public string Vocabulary { get; }

    /// <summary>Which tokenization rules this tokenizer follows (see the remarks).</summary>
    public int Version { get; }

    public bool LowerCase { get; }

    /// <summary>Most tokens an input keeps, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; }

    public int PaddingId => _tokenizer.PaddingTokenId;

    /// <summary>The underlying Microsoft.ML.Tokenizers tokenizer.</summary>
    public BertTokenizer Tokenizer => _tokenizer;

    /// <summary>Tokens of one text without special tokens; lone surrogates (invalid UTF-16) read as U+FFFD.</summary>
    public IReadOnlyList<int> Tokenize(string text) => _tokenizer.EncodeToIds(Version >= 2 ? BertClean(RowText.Repair(text)) : RowText.Repair(text), addSpecialTokens: false);

    /// <summary>
    /// BERT's text cleaning, before the library's normalizer: tab, line feed and carriage return are spaces (the normalizer
    /// would delete them and join the words), and every other control, format, private-use or unassigned character
    /// (Unicode C*: zero-width space, soft hyphen, BOM) and U+FFFD is deleted (the normalizer keeps format characters).
    /// </summary>
    private static string BertClean(string text)
    {
        if (!text.EnumerateRunes().Any(NeedsCleaning))
            return text;
        var cleaned = new System.Text.StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is '\t' or '\n' or '\r')
                cleaned.Append(' ');
            else if (!NeedsCleaning(rune))
                cleaned.Append(rune.ToString());
        }
        return cleaned.ToString();
    }

    // Surrogates need no case: a Rune is never one (RowText.Repair has already made lone ones U+FFFD).
    private static bool NeedsCleaning(System.Text.Rune rune)
        => rune.Value == 0xFFFD || System.Text.Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.Control
            or System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.PrivateUse
            or System.Globalization.UnicodeCategory.OtherNotAssigned;

    /// <summary>[CLS] text [SEP], or [CLS] text [SEP] text2 [SEP] for a pair, truncated to <see cref="MaxLength"/>.</summary>
    public EncodedInput Encode(string text, string? text2 = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = Tokenize(text).ToList();
        if (text2 is null)
        {
            if (first.Count > MaxLength - 2)
                first.RemoveRange(MaxLength - 2, first.Count - (MaxLength - 2));
            var ids = _tokenizer.BuildInputsWithSpecialTokens(first).ToArray();
            return new EncodedInput(ids, new int[ids.Length]);
        }
        var second = Tokenize(text2).ToList();
        // Longest-first: drop one token at a time from whichever text is longer (the second on ties, as HF does).
        var budget = MaxLength - 3;
        while (first.Count + second.Count > budget)
        {
            var longer = first.Count > second.Count ? first : second;
            longer.RemoveAt(longer.Count - 1);
        }
        var pairIds = _tokenizer.BuildInputsWithSpecialTokens(first, second).ToArray();
        var types = _tokenizer.CreateTokenTypeIdsFromSequences(first, second).ToArray();
        return new EncodedInput(pairIds, types);
    }
}
