<?php
header("Cache-Control: no-cache, must-revalidate"); // HTTP/1.1
header("Expires: Sat, 26 Jul 1997 05:00:00 GMT"); // Date in the past
?>
<html>
<head>
    <title>Внешний PHP-клиент для сервера подписи - результат</title>
</head>
<body>
<?php
if ($_SERVER['REQUEST_METHOD'] == 'POST')
{
    //получаем данные из POST запроса
    $filename = $_POST['filename'];
    $filecontent = $_POST['filecontent'];
    //декодируем содержимое файла
    $decoded = base64_decode($filecontent);
    //сохраняем его на диске
    file_put_contents('./signedfiles/' . $filename, $decoded);
    $realpath = realpath('./signedfiles/');
    echo sprintf("Подписанный файл '%s' успешно сохранён в директории '%s'",
$filename, $realpath);
     echo '<br><br>';
    echo '<a href="upload.php">Подписать ещё файл</a>';
}else {
    echo 'неверный http метод';
}
?>
