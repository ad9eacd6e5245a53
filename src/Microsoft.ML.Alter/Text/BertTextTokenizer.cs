using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Alter.Text;

/// <summary>
/// WordPiece tokenization for BERT-family encoders (Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>), for single
/// texts and text pairs, truncated to a maximum length the way Hugging Face does (longest-first for pairs).
/// </summary>
internal sealed class BertTextTokenizer
{
    public const int DefaultMaxLength = 128;

    private readonly BertTokenizer _tokenizer;

    public BertTextTokenizer(string vocabulary, bool lowerCase, int maxLength = DefaultMaxLength)
    {
        if (maxLength < 3)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "The maximum length must leave room for [CLS], a token and [SEP].");
        using var vocab = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(vocabulary), writable: false);
        _tokenizer = BertTokenizer.Create(vocab, new BertOptions
        {
            LowerCaseBeforeTokenization = lowerCase,
            // Hugging Face strips accents whenever it lowercases (strip_accents defaults to do_lower_case).
            RemoveNonSpacingMarks = lowerCase,
        });
        Vocabulary = vocabulary;
        LowerCase = lowerCase;
        MaxLength = maxLength;
    }

    public string Vocabulary { get; }

    public bool LowerCase { get; }

    /// <summary>Most tokens an input keeps, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; }

    public int PaddingId => _tokenizer.PaddingTokenId;

    /// <summary>The underlying Microsoft.ML.Tokenizers tokenizer.</summary>
    public BertTokenizer Tokenizer => _tokenizer;

    /// <summary>Tokens of one text without special tokens; lone surrogates (invalid UTF-16) read as U+FFFD.</summary>
    public IReadOnlyList<int> Tokenize(string text) => _tokenizer.EncodeToIds(RowText.Repair(text), addSpecialTokens: false);

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
