<?php
header("Cache-Control: no-cache, must-revalidate"); // HTTP/1.1
header("Expires: Sat, 26 Jul 1997 05:00:00 GMT"); // Date in the past
?>
<html>
<head>
    <title>Внешний PHP-клиент для сервера подписи - загрузка файла для
подписи</title>
</head>
<body>
 <?php
session_start();
if (isset($_SESSION['tmp_filepath']))
{
    echo '<span style="color:green">Файл успешно загружен</span>';
    $filepath = $_SESSION['tmp_filepath'];
    $filename = basename($filepath);
    //считываем файл по пути, который мы получили из сессии
    $binary = fread(fopen($filepath, "r"), filesize($filepath));
    //кодируем его в base64 для сохранения в скрытом поле filecontent
    $base64content = base64_encode($binary);
}
?>
<form action="http://localhost/DSS.Web.Frontend/uploadfile"  method="post" >
    <input type="hidden" id="filecontent" name="filecontent" value="<?php echo
$base64content ?>" />
    <input type="hidden" id="filename" name="filename" value="<?php echo
$filename ?>" />
    <input type="hidden" name="backpost"
value="http://localhost/PhpClient/result.php" />
       <input type="hidden" id="signaturetype" name="signaturetype"
value="gost3410:hash=true" />
    <input type="submit" value="Подписать файл!" />
</form>
